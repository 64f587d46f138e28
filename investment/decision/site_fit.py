"""Site fit score of industrial parks for an investor's requirements (選址適配評分).

Hard rules exclude a park, with the reason: the industry must be allowed; an investor who must
buy cannot use a lease-only (只租不售) park; the land on offer for the chosen tenure must cover
the land needed. Every park left gets 0-100 points, the sum of per-criterion contributions:
weight x score, each score in 0..1:
- land (30): available / (2 x needed), capped at 1 — a margin of twice the need scores full;
- power (20) and water (15): available / needed, capped at 1 (full when nothing is needed);
- county (15): 1 if the park is in a preferred county or none is preferred, else 0;
- utilities (10): share of the requested extras (natural gas, wastewater treatment) on offer;
- industry focus (10): 1 if the park lists the industry, 0.5 if it takes any manufacturing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from investment.decision.catalogue import DecisionItem
from investment.decision.explanation import PARK_SOURCE, Explanation
from investment.decision.inputs import Park

__all__ = ["ITEM", "Contribution", "ParkFit", "SiteFit", "SiteRequirements", "site_fit"]

WEIGHTS = {"land": 30, "power": 20, "water": 15, "county": 15, "utilities": 10, "industry": 10}

ITEM = DecisionItem(
    item_id="site_fit",
    title_zh="投資選址適配評分",
    title_en="Site fit score",
    method_zh="先排除產業不符、只租不售而需購地、可用土地不足的園區；其餘依土地 30、電力 20、"
    "用水 15、縣市 15、公用設施 10、產業定位 10 分加權計分，逐項列出得分。",
    method_en="Excludes parks that do not allow the industry, are lease-only when the investor "
    "must buy, or lack the land; scores the rest on land 30, power 20, water 15, county 15, "
    "utilities 10, industry focus 10 points, listing each contribution.",
    sources=(PARK_SOURCE,),
)


@dataclass(frozen=True, slots=True)
class SiteRequirements:
    industry_code: str
    land_ha: float
    buying: bool = False  # False: renting is fine
    power_kw: float = 0.0
    water_m3_per_day: float = 0.0
    counties: frozenset[str] = frozenset()  # preferred county codes; empty = any
    needs_natural_gas: bool = False
    needs_wastewater_treatment: bool = False


@dataclass(frozen=True, slots=True)
class Contribution:
    criterion: str
    weight: int
    score: float  # 0..1
    points: float  # weight x score
    reason: str


@dataclass(frozen=True, slots=True)
class ParkFit:
    park_id: str
    name: str
    total: float
    contributions: tuple[Contribution, ...]
    excluded_because: tuple[str, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        return not self.excluded_because


@dataclass(frozen=True, slots=True)
class SiteFit:
    ranked: tuple[ParkFit, ...]  # eligible parks, best first
    excluded: tuple[ParkFit, ...]
    explanation: Explanation


def site_fit(parks: Iterable[Park], needs: SiteRequirements) -> SiteFit:
    fits = [_fit(park, needs) for park in parks]
    ranked = sorted((f for f in fits if f.eligible), key=lambda f: (-f.total, f.park_id))
    excluded = tuple(f for f in fits if not f.eligible)
    return SiteFit(tuple(ranked), excluded, _explain(ranked, excluded, needs))


def _fit(park: Park, needs: SiteRequirements) -> ParkFit:
    reasons = _exclusions(park, needs)
    if reasons:
        return ParkFit(park.park_id, park.name, 0.0, (), reasons)
    parts = (
        _land(park, needs),
        _ratio("power", park.power_capacity_kw, needs.power_kw, "kW"),
        _ratio("water", park.water_capacity_m3_per_day, needs.water_m3_per_day, "m³/day"),
        _county(park, needs),
        _utilities(park, needs),
        _industry(park, needs),
    )
    return ParkFit(park.park_id, park.name, round(sum(p.points for p in parts), 2), parts)


def _exclusions(park: Park, needs: SiteRequirements) -> tuple[str, ...]:
    reasons = []
    if not park.allows(needs.industry_code):
        reasons.append(f"industry {needs.industry_code} not allowed in this park")
    if needs.buying and park.lease_only:
        reasons.append("lease-only park (只租不售) but the investor must buy")
    available = park.available_ha(buying=needs.buying)
    if available < needs.land_ha:
        reasons.append(f"{available} ha on offer, {needs.land_ha} ha needed")
    return tuple(reasons)


def _contribution(criterion: str, score: float, reason: str) -> Contribution:
    bounded = max(0.0, min(1.0, score))
    weight = WEIGHTS[criterion]
    return Contribution(criterion, weight, round(bounded, 4), round(weight * bounded, 2), reason)


def _land(park: Park, needs: SiteRequirements) -> Contribution:
    available = park.available_ha(buying=needs.buying)
    score = available / (2 * needs.land_ha) if needs.land_ha > 0 else 1.0
    tenure = "for sale" if needs.buying else "for rent"
    return _contribution("land", score, f"{available} ha {tenure}, {needs.land_ha} ha needed")


def _ratio(criterion: str, available: float, needed: float, unit: str) -> Contribution:
    score = available / needed if needed > 0 else 1.0
    return _contribution(criterion, score, f"{available} {unit} spare, {needed} {unit} needed")


def _county(park: Park, needs: SiteRequirements) -> Contribution:
    preferred = not needs.counties or park.county_code in needs.counties
    return _contribution(
        "county",
        1.0 if preferred else 0.0,
        f"county {park.county_code} " + ("preferred" if preferred else "not preferred"),
    )


def _utilities(park: Park, needs: SiteRequirements) -> Contribution:
    wanted = [
        (needs.needs_natural_gas, park.has_natural_gas, "natural gas"),
        (needs.needs_wastewater_treatment, park.has_wastewater_treatment, "wastewater treatment"),
    ]
    asked = [(has, name) for need, has, name in wanted if need]
    if not asked:
        return _contribution("utilities", 1.0, "no extra utilities requested")
    missing = [name for has, name in asked if not has]
    score = 1 - len(missing) / len(asked)
    return _contribution(
        "utilities",
        score,
        "missing: " + ", ".join(missing) if missing else "all requested utilities available",
    )


def _industry(park: Park, needs: SiteRequirements) -> Contribution:
    if park.allowed_industries:
        return _contribution("industry", 1.0, f"park lists industry {needs.industry_code[:2]}")
    return _contribution("industry", 0.5, "park takes any manufacturing")


def _explain(
    ranked: list[ParkFit], excluded: tuple[ParkFit, ...], needs: SiteRequirements
) -> Explanation:
    best = ranked[0] if ranked else None
    best_zh = f"最適園區為 {best.name}（{best.total} 分）" if best else "沒有符合條件的園區"
    best_en = (
        f"best fit: {best.name} ({best.total} points)" if best else "no park meets the hard rules"
    )
    assessed = len(ranked) + len(excluded)
    return Explanation(
        summary_zh=f"評估 {assessed} 個園區，排除 {len(excluded)} 個；{best_zh}。",
        summary_en=f"{assessed} parks assessed, {len(excluded)} excluded; {best_en}.",
        steps=tuple(
            f"{fit.name}: "
            + " + ".join(f"{c.criterion} {c.points}" for c in fit.contributions)
            + f" = {fit.total}"
            for fit in ranked
        )
        + tuple(f"{fit.name}: excluded ({'; '.join(fit.excluded_because)})" for fit in excluded),
        sources=ITEM.sources,
    )
