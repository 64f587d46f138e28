"""Industry counts per county, and their trend between two registry snapshots.

Counts registered factories per (county, 2-digit industry); a factory listing several
industries counts once in each. The trend is the difference from an earlier snapshot's counts,
with the relative change where the earlier count is not zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from investment.decision.catalogue import DecisionItem
from investment.decision.explanation import REGISTRY_SOURCE, Explanation
from investment.decision.inputs import FactoryPoint

__all__ = ["ITEM", "IndustryCount", "IndustryCounts", "industry_counts"]

ITEM = DecisionItem(
    item_id="industry_counts",
    title_zh="各縣市產業家數及趨勢",
    title_en="Industry counts and trends per county",
    method_zh="依工廠登記資料計算各縣市各產業（二位碼）工廠家數；與前期資料相減得增減家數及增減率。",
    method_en="Counts registered factories per county and 2-digit industry; the trend subtracts "
    "the counts of an earlier registry snapshot.",
    sources=(REGISTRY_SOURCE,),
)


@dataclass(frozen=True, slots=True)
class IndustryCount:
    county_code: str
    industry_code: str
    factories: int
    previous: int | None  # None when no earlier snapshot was given
    change: int | None
    change_ratio: float | None


@dataclass(frozen=True, slots=True)
class IndustryCounts:
    rows: tuple[IndustryCount, ...]  # by county, then industry
    explanation: Explanation


def count_by_county_industry(factories: Iterable[FactoryPoint]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for factory in factories:
        for industry in factory.industry_codes:
            counts[factory.county_code, industry[:2]] += 1
    return counts


def industry_counts(
    factories: Iterable[FactoryPoint],
    previous: Iterable[FactoryPoint] | None = None,
    *,
    county_code: str | None = None,
) -> IndustryCounts:
    now = count_by_county_industry(factories)
    before = count_by_county_industry(previous) if previous is not None else None
    keys = sorted(set(now) | set(before or ()))
    rows = tuple(
        _row(key, now[key], None if before is None else before[key])
        for key in keys
        if county_code is None or key[0] == county_code
    )
    return IndustryCounts(rows, _explain(rows, before is not None))


def _row(key: tuple[str, str], factories: int, previous: int | None) -> IndustryCount:
    change = None if previous is None else factories - previous
    ratio = None if previous in (None, 0) or change is None else round(change / previous, 4)
    return IndustryCount(key[0], key[1], factories, previous, change, ratio)


def _explain(rows: tuple[IndustryCount, ...], with_trend: bool) -> Explanation:
    total = sum(row.factories for row in rows)
    trend_zh = "，並與前期比較增減" if with_trend else ""
    trend_en = ", compared with the earlier snapshot" if with_trend else ""
    return Explanation(
        summary_zh=f"共 {len(rows)} 個縣市×產業組合、{total} 筆工廠產業登記{trend_zh}。",
        summary_en=f"{len(rows)} county x industry pairs, {total} factory-industry entries"
        f"{trend_en}.",
        steps=(
            "一家工廠登記多個產業時，每個產業各計一次。",
            "Factories listing several industries count in each.",
        ),
        sources=ITEM.sources,
    )
