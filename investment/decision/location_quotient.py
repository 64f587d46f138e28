"""Cluster strength of an industry per county: the location quotient (區位商數).

LQ(i, c) = (f_ic / f_c) / (f_i / f), with f counts of registered factories: f_ic of industry i
in county c, f_c all factories in c, f_i of industry i nationwide, f all factories. A factory
listing several industries counts once in each. LQ > 1.25 is read as a specialised cluster,
< 0.8 as under-represented (common thresholds in regional analysis). Counties with no
factories are left out (their LQ is undefined).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from investment.decision.catalogue import DecisionItem
from investment.decision.explanation import REGISTRY_SOURCE, Explanation
from investment.decision.inputs import FactoryPoint

__all__ = ["ITEM", "CountyQuotient", "LocationQuotients", "location_quotients"]

CLUSTER_THRESHOLD = 1.25
SPARSE_THRESHOLD = 0.8

ITEM = DecisionItem(
    item_id="location_quotient",
    title_zh="產業聚落強度（區位商數）",
    title_en="Industry cluster strength (location quotient)",
    method_zh="區位商數 = (該縣市該產業工廠數 / 該縣市工廠數) / (全國該產業工廠數 / 全國工廠數)；"
    "大於 1.25 視為產業聚落。",
    method_en="LQ = (county's factories in the industry / county's factories) / (national "
    "factories in the industry / national factories); above 1.25 reads as a cluster.",
    sources=(REGISTRY_SOURCE,),
)


@dataclass(frozen=True, slots=True)
class CountyQuotient:
    county_code: str
    county_factories: int
    industry_factories: int
    quotient: float
    reading: str  # cluster / average / sparse


@dataclass(frozen=True, slots=True)
class LocationQuotients:
    industry_code: str
    national_factories: int
    national_industry_factories: int
    counties: tuple[CountyQuotient, ...]  # highest quotient first
    explanation: Explanation


def location_quotients(factories: Iterable[FactoryPoint], industry_code: str) -> LocationQuotients:
    by_county: Counter[str] = Counter()
    in_industry: Counter[str] = Counter()
    for factory in factories:
        by_county[factory.county_code] += 1
        if industry_code in factory.industry_codes:
            in_industry[factory.county_code] += 1
    total, industry_total = sum(by_county.values()), sum(in_industry.values())
    national_share = industry_total / total if total else 0.0
    rows = sorted(
        (
            _row(county, count, in_industry[county], national_share)
            for county, count in by_county.items()
        ),
        key=lambda row: (-row.quotient, row.county_code),
    )
    return LocationQuotients(
        industry_code,
        total,
        industry_total,
        tuple(rows),
        _explain(industry_code, total, industry_total, rows),
    )


def _row(county: str, count: int, in_industry: int, national_share: float) -> CountyQuotient:
    quotient = (in_industry / count) / national_share if national_share else 0.0
    if quotient > CLUSTER_THRESHOLD:
        reading = "cluster"
    elif quotient < SPARSE_THRESHOLD:
        reading = "sparse"
    else:
        reading = "average"
    return CountyQuotient(county, count, in_industry, round(quotient, 4), reading)


def _explain(
    industry: str, total: int, industry_total: int, rows: list[CountyQuotient]
) -> Explanation:
    share = industry_total / total if total else 0.0
    steps = tuple(
        f"{r.county_code}: ({r.industry_factories}/{r.county_factories})"
        f" / ({industry_total}/{total}) = {r.quotient}"
        for r in rows
    )
    clusters = [r.county_code for r in rows if r.reading == "cluster"]
    return Explanation(
        summary_zh=f"全國 {total} 家工廠中有 {industry_total} 家屬產業 {industry}（{share:.2%}）；"
        f"區位商數大於 {CLUSTER_THRESHOLD} 的縣市：{'、'.join(clusters) or '無'}。",
        summary_en=f"{industry_total} of {total} factories nationwide are in industry {industry} "
        f"({share:.2%}); counties with LQ above {CLUSTER_THRESHOLD}: "
        f"{', '.join(clusters) or 'none'}.",
        steps=steps,
        sources=ITEM.sources,
    )
