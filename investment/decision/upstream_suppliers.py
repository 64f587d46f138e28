"""Nearby suppliers of upstream industries: who within reach makes what an industry consumes.

For an industry i and a site (longitude, latitude), the upstream industries U(i) come from the
linkage table (``industry_linkage``); every registered factory listing an industry in U(i) and
lying within the radius (haversine distance) is a potential supplier. The answer counts them per
upstream industry (with the nearest one's distance) and lists the nearest suppliers. Factories
without coordinates cannot be placed and are counted apart, so the answer says what it missed.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from investment.decision.catalogue import DecisionItem
from investment.decision.explanation import REGISTRY_SOURCE, Explanation
from investment.decision.geo import haversine_km
from investment.decision.industry_linkage import IndustryLinkage, industry_linkage
from investment.decision.inputs import FactoryPoint

__all__ = ["ITEM", "Supplier", "UpstreamIndustry", "UpstreamSuppliers", "upstream_suppliers"]

LINKAGE_SOURCE = "行政院主計總處 產業關聯表（上游產業對照，見 industry_linkage.json）"

ITEM = DecisionItem(
    item_id="upstream_suppliers",
    title_zh="鄰近上游供應商",
    title_en="Nearby suppliers of upstream industries",
    method_zh="依產業關聯表取得該產業（二位碼）的主要上游製造業；以球面距離找出半徑內登記產業屬於"
    "上游產業的工廠，依上游產業計家數與最近距離，並列出最近的供應商。",
    method_en="Takes the industry's principal upstream manufacturing industries (2-digit) from "
    "the input-output linkage table; finds registered factories of those industries within the "
    "radius by great-circle distance; counts them per upstream industry with the nearest "
    "distance, and lists the nearest suppliers.",
    sources=(LINKAGE_SOURCE, REGISTRY_SOURCE),
)


@dataclass(frozen=True, slots=True)
class UpstreamIndustry:
    industry_code: str
    name: str
    factories_within: int
    nearest_km: float | None


@dataclass(frozen=True, slots=True)
class Supplier:
    registration_number: str
    name: str
    county_code: str
    distance_km: float
    upstream_industries: tuple[str, ...]  # which of the upstream industries it is in


@dataclass(frozen=True, slots=True)
class UpstreamSuppliers:
    industry_code: str
    radius_km: float
    upstream: tuple[UpstreamIndustry, ...]
    suppliers: tuple[Supplier, ...]  # nearest first
    unplaced_factories: int  # upstream factories with no coordinates
    explanation: Explanation


def upstream_suppliers(
    factories: Iterable[FactoryPoint],
    industry_code: str,
    longitude: float,
    latitude: float,
    *,
    radius_km: float = 30.0,
    limit: int = 20,
    linkage: IndustryLinkage | None = None,
) -> UpstreamSuppliers:
    """KeyError when ``industry_code`` is not a manufacturing industry of the linkage table."""
    table = linkage or industry_linkage()
    upstream = table.upstream_of(industry_code)
    within: list[Supplier] = []
    unplaced = 0
    for factory in factories:
        matched = _upstream_codes(factory, upstream)
        if not matched:
            continue
        if factory.longitude is None or factory.latitude is None:
            unplaced += 1
            continue
        distance = haversine_km(longitude, latitude, factory.longitude, factory.latitude)
        if distance <= radius_km:
            within.append(_supplier(factory, distance, matched))
    per_industry = _per_industry(table, upstream, within)
    nearest = heapq.nsmallest(limit, within, key=lambda s: (s.distance_km, s.registration_number))
    return UpstreamSuppliers(
        industry_code,
        radius_km,
        per_industry,
        tuple(nearest),
        unplaced,
        _explain(table, industry_code, radius_km, per_industry, unplaced),
    )


def _upstream_codes(factory: FactoryPoint, upstream: tuple[str, ...]) -> tuple[str, ...]:
    listed = {code[:2] for code in factory.industry_codes}
    return tuple(code for code in upstream if code in listed)


def _supplier(factory: FactoryPoint, distance: float, matched: tuple[str, ...]) -> Supplier:
    return Supplier(
        factory.registration_number,
        factory.name,
        factory.county_code,
        round(distance, 3),
        matched,
    )


def _per_industry(
    table: IndustryLinkage, upstream: tuple[str, ...], within: list[Supplier]
) -> tuple[UpstreamIndustry, ...]:
    counts: Counter[str] = Counter()
    nearest: dict[str, float] = {}
    for supplier in within:
        for code in supplier.upstream_industries:
            counts[code] += 1
            nearest[code] = min(nearest.get(code, supplier.distance_km), supplier.distance_km)
    return tuple(
        UpstreamIndustry(code, table.names.get(code, code), counts[code], nearest.get(code))
        for code in upstream
    )


def _explain(
    table: IndustryLinkage,
    industry_code: str,
    radius_km: float,
    rows: tuple[UpstreamIndustry, ...],
    unplaced: int,
) -> Explanation:
    name = table.names.get(industry_code[:2], industry_code)
    listed = "、".join(f"{row.industry_code}{row.name}" for row in rows) or "無"
    total = sum(row.factories_within for row in rows)
    steps = (
        f"上游產業 upstream of {industry_code[:2]}: {listed}",
        *(_count_step(row, radius_km) for row in rows),
    )
    if unplaced:
        steps += (f"{unplaced} upstream factories have no coordinates and were not placed",)
    return Explanation(
        summary_zh=f"{name}的上游產業：{listed}；半徑 {radius_km} 公里內共 {total} 家次工廠。",
        summary_en=f"{len(rows)} upstream industries of {industry_code[:2]}; {total} factory "
        f"listings within {radius_km} km.",
        steps=steps,
        sources=(table.source, *ITEM.sources[1:]),
    )


def _count_step(row: UpstreamIndustry, radius_km: float) -> str:
    nearest = f", nearest {row.nearest_km} km" if row.nearest_km is not None else ""
    return f"{row.industry_code}: {row.factories_within} within {radius_km} km{nearest}"
