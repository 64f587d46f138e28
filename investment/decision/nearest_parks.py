"""Nearest industrial parks to a point, by great-circle (haversine) distance."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from investment.decision.catalogue import DecisionItem
from investment.decision.explanation import PARK_SOURCE, Explanation
from investment.decision.geo import haversine_km
from investment.decision.inputs import Park

__all__ = ["ITEM", "NearbyPark", "NearestParks", "nearest_parks"]

ITEM = DecisionItem(
    item_id="nearest_parks",
    title_zh="鄰近產業園區",
    title_en="Nearest industrial parks",
    method_zh="以球面大圓距離（haversine，地球平均半徑 6371.0088 公里）"
    "計算地點至各園區中心距離，取最近者。",
    method_en="Great-circle (haversine, mean Earth radius 6371.0088 km) distance from the point "
    "to each park's centre; the nearest first.",
    sources=(PARK_SOURCE,),
)


@dataclass(frozen=True, slots=True)
class NearbyPark:
    park_id: str
    name: str
    county_code: str
    distance_km: float


@dataclass(frozen=True, slots=True)
class NearestParks:
    parks: tuple[NearbyPark, ...]
    explanation: Explanation


def nearest_parks(
    parks: Iterable[Park],
    longitude: float,
    latitude: float,
    *,
    limit: int = 5,
    max_km: float | None = None,
) -> NearestParks:
    distances = (
        (haversine_km(longitude, latitude, park.longitude, park.latitude), park.park_id, park)
        for park in parks
    )
    within = (d for d in distances if max_km is None or d[0] <= max_km)
    nearest = heapq.nsmallest(limit, within, key=lambda d: (d[0], d[1]))
    rows = tuple(NearbyPark(p.park_id, p.name, p.county_code, round(km, 3)) for km, _, p in nearest)
    limit_text = f"，限 {max_km} 公里內" if max_km is not None else ""
    return NearestParks(
        rows,
        Explanation(
            summary_zh=f"距 ({longitude}, {latitude}) 最近的 {len(rows)} 個園區{limit_text}。",
            summary_en=f"The {len(rows)} parks nearest to ({longitude}, {latitude})"
            + (f" within {max_km} km." if max_km is not None else "."),
            steps=tuple(f"{row.name}: {row.distance_km} km" for row in rows),
            sources=ITEM.sources,
        ),
    )
