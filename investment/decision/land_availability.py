"""Land availability ranking of industrial parks (可用土地排名).

Ranks parks by the land an investor can take now: land for rent plus land for sale (or only one
tenure when asked), optionally within counties and for an industry the park allows. Ties break
on the share of the park's area that is available, then on park id, so the order is stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from investment.decision.catalogue import DecisionItem
from investment.decision.explanation import PARK_SOURCE, Explanation
from investment.decision.inputs import Park

__all__ = ["ITEM", "LandAvailability", "ParkLand", "land_availability"]

Tenure = Literal["any", "rent", "sale"]

ITEM = DecisionItem(
    item_id="land_availability",
    title_zh="產業園區可用土地排名",
    title_en="Land availability ranking",
    method_zh="依各園區可出租加可出售土地面積（公頃）由大至小排序，可限定租售方式、縣市及產業；"
    "同面積者以可用比例排序。",
    method_en="Orders parks by hectares available for rent plus for sale (or one tenure), "
    "optionally within counties and for an allowed industry; ties by available share of area.",
    sources=(PARK_SOURCE,),
)


@dataclass(frozen=True, slots=True)
class ParkLand:
    rank: int
    park_id: str
    name: str
    county_code: str
    available_ha: float
    available_share: float  # of the park's area


@dataclass(frozen=True, slots=True)
class LandAvailability:
    ranked: tuple[ParkLand, ...]
    explanation: Explanation


def land_availability(
    parks: Iterable[Park],
    *,
    tenure: Tenure = "any",
    counties: frozenset[str] = frozenset(),
    industry_code: str | None = None,
) -> LandAvailability:
    chosen = [
        park
        for park in parks
        if (not counties or park.county_code in counties)
        and (industry_code is None or park.allows(industry_code))
    ]
    rows = sorted(
        (_land(park, tenure) for park in chosen), key=lambda r: (-r[0], -r[1], r[2].park_id)
    )
    ranked = tuple(
        ParkLand(rank, park.park_id, park.name, park.county_code, round(ha, 4), round(share, 4))
        for rank, (ha, share, park) in enumerate(rows, start=1)
        if ha > 0
    )
    return LandAvailability(ranked, _explain(ranked, len(chosen), tenure))


def _land(park: Park, tenure: Tenure) -> tuple[float, float, Park]:
    rent = park.land_for_rent_ha if tenure in ("any", "rent") else 0.0
    sale = park.available_ha(buying=True) if tenure in ("any", "sale") else 0.0
    available = rent + sale
    return available, (available / park.area_ha if park.area_ha > 0 else 0.0), park


def _explain(ranked: tuple[ParkLand, ...], considered: int, tenure: Tenure) -> Explanation:
    total = sum(row.available_ha for row in ranked)
    return Explanation(
        summary_zh=f"符合條件的 {considered} 個園區中，{len(ranked)} 個尚有可用土地，"
        f"共 {total:.2f} 公頃（{tenure}）。",
        summary_en=f"{len(ranked)} of {considered} matching parks have land available, "
        f"{total:.2f} ha in all ({tenure}).",
        steps=tuple(
            f"{row.rank}. {row.name}: {row.available_ha} ha ({row.available_share:.1%} of area)"
            for row in ranked
        ),
        sources=ITEM.sources,
    )
