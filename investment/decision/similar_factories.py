"""'Similar factories': registered factories closest to a target in what they make and where.

similarity = 0.3 x J(industries) + 0.5 x J(products) + 0.2 x proximity, where J is the Jaccard
index |A ∩ B| / |A ∪ B| of the two factories' code sets (0 when both are empty) and proximity
= exp(-d / 20 km) from the haversine distance d (0 when either has no coordinates). Products
weigh most because 3-digit product codes are finer than 2-digit industries.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass

from investment.decision.catalogue import DecisionItem
from investment.decision.explanation import REGISTRY_SOURCE, Explanation
from investment.decision.geo import haversine_km
from investment.decision.inputs import FactoryPoint

__all__ = ["ITEM", "SimilarFactories", "SimilarFactory", "jaccard", "similar_factories"]

INDUSTRY_WEIGHT, PRODUCT_WEIGHT, PROXIMITY_WEIGHT = 0.3, 0.5, 0.2
DISTANCE_SCALE_KM = 20.0

ITEM = DecisionItem(
    item_id="similar_factories",
    title_zh="相似工廠搜尋",
    title_en="Similar factories",
    method_zh="相似度 = 0.3×產業類別 Jaccard 係數 + 0.5×主要產品 Jaccard 係數 + 0.2×距離接近度"
    "（exp(-距離/20公里)）。",
    method_en="similarity = 0.3 x Jaccard(industries) + 0.5 x Jaccard(products) + 0.2 x "
    "exp(-distance / 20 km).",
    sources=(REGISTRY_SOURCE,),
)


@dataclass(frozen=True, slots=True)
class SimilarFactory:
    registration_number: str
    name: str
    similarity: float
    industry_jaccard: float
    product_jaccard: float
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class SimilarFactories:
    target: str
    factories: tuple[SimilarFactory, ...]
    explanation: Explanation


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def similar_factories(
    target: FactoryPoint, candidates: Iterable[FactoryPoint], *, limit: int = 10
) -> SimilarFactories:
    scored = (
        _score(target, candidate)
        for candidate in candidates
        if candidate.registration_number != target.registration_number
    )
    best = heapq.nsmallest(limit, scored, key=lambda s: (-s.similarity, s.registration_number))
    return SimilarFactories(target.registration_number, tuple(best), _explain(target, best))


def _score(target: FactoryPoint, other: FactoryPoint) -> SimilarFactory:
    industries = jaccard(target.industry_codes, other.industry_codes)
    products = jaccard(target.product_codes, other.product_codes)
    distance = _distance(target, other)
    proximity = math.exp(-distance / DISTANCE_SCALE_KM) if distance is not None else 0.0
    similarity = (
        INDUSTRY_WEIGHT * industries + PRODUCT_WEIGHT * products + PROXIMITY_WEIGHT * proximity
    )
    return SimilarFactory(
        other.registration_number,
        other.name,
        round(similarity, 4),
        round(industries, 4),
        round(products, 4),
        None if distance is None else round(distance, 3),
    )


def _distance(first: FactoryPoint, second: FactoryPoint) -> float | None:
    if first.longitude is None or first.latitude is None:
        return None
    if second.longitude is None or second.latitude is None:
        return None
    return haversine_km(first.longitude, first.latitude, second.longitude, second.latitude)


def _explain(target: FactoryPoint, best: list[SimilarFactory]) -> Explanation:
    return Explanation(
        summary_zh=f"與 {target.name}（{target.registration_number}）最相似的 {len(best)} 家工廠。",
        summary_en=f"The {len(best)} factories most similar to {target.registration_number}.",
        steps=tuple(
            f"{s.name}: 0.3x{s.industry_jaccard} + 0.5x{s.product_jaccard}"
            f" + 0.2xexp(-{s.distance_km}/20) = {s.similarity}"
            for s in best
        ),
        sources=ITEM.sources,
    )
