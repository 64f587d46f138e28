"""Decision-support items on small handmade data: numbers, order and explanations."""

from __future__ import annotations

import math

import pytest

from investment.decision import FactoryPoint, Park, catalogue, item
from investment.decision.geo import haversine_km
from investment.decision.industry_counts import industry_counts
from investment.decision.industry_linkage import IndustryLinkage, industry_linkage
from investment.decision.land_availability import land_availability
from investment.decision.location_quotient import location_quotients
from investment.decision.nearest_parks import nearest_parks
from investment.decision.similar_factories import jaccard, similar_factories
from investment.decision.site_fit import SiteRequirements, site_fit
from investment.decision.upstream_suppliers import upstream_suppliers

KEELUNG, PENGHU, TAIPEI = "10017", "10016", "63000"


def factory(
    number: str,
    county: str,
    industries: str,
    products: str = "",
    at: tuple[float, float] | None = None,
) -> FactoryPoint:
    lon, lat = at if at else (None, None)
    return FactoryPoint(
        number,
        f"廠{number}",
        county,
        frozenset(industries.split()),
        frozenset(products.split()),
        lon,
        lat,
    )


FACTORIES = [
    factory("1", KEELUNG, "31", "311", (121.76, 25.15)),
    factory("2", KEELUNG, "31 29", "311 293", (121.77, 25.15)),
    factory("3", KEELUNG, "29", "293", (121.70, 25.09)),
    factory("4", KEELUNG, "25", "252", (121.70, 25.10)),
    factory("5", PENGHU, "08", "089", (119.58, 23.57)),
    factory("6", PENGHU, "08 09", "089 091", (119.60, 23.55)),
    factory("7", PENGHU, "31", "311", (119.57, 23.57)),
    factory("8", TAIPEI, "26", "262"),
]

PARKS = [
    Park(
        "dawulun",
        "大武崙產業園區",
        KEELUNG,
        121.70,
        25.16,
        29,
        land_for_rent_ha=2,
        land_for_sale_ha=1,
        power_capacity_kw=5000,
        water_capacity_m3_per_day=300,
        has_wastewater_treatment=True,
    ),
    Park(
        "tucheng",
        "土城產業園區",
        "65000",
        121.45,
        24.98,
        107,
        land_for_rent_ha=5,
        land_for_sale_ha=4,
        allowed_industries=frozenset({"26", "27"}),
        power_capacity_kw=20000,
        water_capacity_m3_per_day=2000,
        has_natural_gas=True,
        has_wastewater_treatment=True,
    ),
    Park(
        "xinbei",
        "新北產業園區",
        "65000",
        121.42,
        25.06,
        140.55,
        land_for_rent_ha=8,
        lease_only=True,
        power_capacity_kw=1000,
        water_capacity_m3_per_day=100,
    ),
    Park("ruifang", "瑞芳產業園區", "65000", 121.81, 25.11, 38.71, power_capacity_kw=100),
]


def test_catalogue_lists_every_item_with_its_method() -> None:
    ids = [entry.item_id for entry in catalogue()]
    assert ids == [
        "industry_counts",
        "land_availability",
        "location_quotient",
        "nearest_parks",
        "similar_factories",
        "site_fit",
        "upstream_suppliers",
    ]
    assert all(entry.method_zh and entry.method_en and entry.sources for entry in catalogue())
    assert item("site_fit").title_zh == "投資選址適配評分"
    with pytest.raises(KeyError):
        item("nope")


def test_location_quotient() -> None:
    result = location_quotients(FACTORIES, "31")
    # 3 of 8 factories list 31; Keelung 2/4, Penghu 1/3, Taipei 0/1.
    assert (result.national_factories, result.national_industry_factories) == (8, 3)
    rows = [
        (r.county_code, r.industry_factories, r.county_factories, r.quotient, r.reading)
        for r in result.counties
    ]
    assert rows == [
        (KEELUNG, 2, 4, round((2 / 4) / (3 / 8), 4), "cluster"),
        (PENGHU, 1, 3, round((1 / 3) / (3 / 8), 4), "average"),
        (TAIPEI, 0, 1, 0.0, "sparse"),
    ]
    assert KEELUNG in result.explanation.summary_en
    assert result.explanation.steps[0] == f"{KEELUNG}: (2/4) / (3/8) = 1.3333"


def test_location_quotient_of_an_absent_industry_is_zero_everywhere() -> None:
    result = location_quotients(FACTORIES, "10")
    assert {r.quotient for r in result.counties} == {0.0}
    assert "none" in result.explanation.summary_en


def test_industry_counts_and_trend() -> None:
    earlier = [*FACTORIES[:3], factory("9", PENGHU, "08")]
    result = industry_counts(FACTORIES, earlier, county_code=PENGHU)
    rows = {
        (r.industry_code): (r.factories, r.previous, r.change, r.change_ratio) for r in result.rows
    }
    assert rows == {"08": (2, 1, 1, 1.0), "09": (1, 0, 1, None), "31": (1, 0, 1, None)}
    plain = industry_counts(FACTORIES)
    keelung_29 = next(r for r in plain.rows if (r.county_code, r.industry_code) == (KEELUNG, "29"))
    assert (keelung_29.factories, keelung_29.previous, keelung_29.change) == (2, None, None)


def test_site_fit_scores_with_contributions_and_exclusions() -> None:
    needs = SiteRequirements(
        industry_code="29",
        land_ha=1.5,
        buying=False,
        power_kw=2500,
        water_m3_per_day=200,
        counties=frozenset({KEELUNG}),
        needs_wastewater_treatment=True,
    )
    result = site_fit(PARKS, needs)
    assert [f.park_id for f in result.ranked] == ["dawulun", "xinbei"]
    best = result.ranked[0]
    points = {c.criterion: c.points for c in best.contributions}
    # land 2/(2*1.5)=0.667 -> 20; power, water, county, utilities full; industry any -> 5.
    assert points == {
        "land": 20.0,
        "power": 20.0,
        "water": 15.0,
        "county": 15.0,
        "utilities": 10.0,
        "industry": 5.0,
    }
    assert best.total == 85.0
    excluded = {f.park_id: f.excluded_because for f in result.excluded}
    assert "industry 29 not allowed in this park" in excluded["tucheng"]
    assert excluded["ruifang"] == ("0.0 ha on offer, 1.5 ha needed",)
    assert "大武崙產業園區 (85.0 points)" in result.explanation.summary_en


def test_site_fit_buyer_cannot_use_lease_only_park() -> None:
    needs = SiteRequirements(industry_code="26", land_ha=1, buying=True)
    result = site_fit(PARKS, needs)
    reasons = {f.park_id: f.excluded_because for f in result.excluded}
    assert "lease-only park (只租不售) but the investor must buy" in reasons["xinbei"]
    assert [f.park_id for f in result.ranked] == ["tucheng", "dawulun"]  # tucheng lists 26


def test_land_availability_ranking() -> None:
    result = land_availability(PARKS)
    assert [(r.rank, r.park_id, r.available_ha) for r in result.ranked] == [
        (1, "tucheng", 9.0),
        (2, "xinbei", 8.0),
        (3, "dawulun", 3.0),
    ]
    for_sale = land_availability(PARKS, tenure="sale")
    assert [r.park_id for r in for_sale.ranked] == [
        "tucheng",
        "dawulun",
    ]  # lease-only sells nothing
    assert (
        land_availability(PARKS, industry_code="29", counties=frozenset({"65000"}))
        .ranked[0]
        .park_id
        == "xinbei"
    )


def test_haversine_and_nearest_parks() -> None:
    assert haversine_km(121.0, 25.0, 121.0, 25.0) == 0.0
    one_degree = haversine_km(121.0, 25.0, 121.0, 26.0)
    assert math.isclose(one_degree, 6371.0088 * math.pi / 180, rel_tol=1e-9)
    result = nearest_parks(PARKS, 121.76, 25.15, limit=2)
    assert [p.park_id for p in result.parks] == ["dawulun", "ruifang"]
    assert result.parks[0].distance_km == round(haversine_km(121.76, 25.15, 121.70, 25.16), 3)
    assert nearest_parks(PARKS, 119.58, 23.57, max_km=50).parks == ()


def test_similar_factories() -> None:
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset()) == 0.0
    result = similar_factories(FACTORIES[0], FACTORIES, limit=3)
    # 7 makes the same things far away; 2 half the same next door; 4 only near.
    assert [s.registration_number for s in result.factories] == ["7", "2", "4"]
    nearby_twin = result.factories[1]
    assert (nearby_twin.industry_jaccard, nearby_twin.product_jaccard) == (0.5, 0.5)
    assert "1" not in [s.registration_number for s in result.factories]  # never itself
    unlocated = next(
        s
        for s in similar_factories(FACTORIES[0], FACTORIES, limit=8).factories
        if s.registration_number == "8"
    )
    assert (unlocated.similarity, unlocated.distance_km) == (0.0, None)


def test_linkage_table_covers_every_manufacturing_industry() -> None:
    table = industry_linkage()
    assert sorted(table.upstream) == [f"{code:02d}" for code in range(8, 35)]
    assert all(code in table.upstream for codes in table.upstream.values() for code in codes)
    assert table.upstream_of("262") == table.upstream["26"]  # 3-digit codes use their 2 digits
    with pytest.raises(KeyError):
        table.upstream_of("01")  # agriculture is not in the registry


def test_upstream_suppliers_counts_within_radius_and_lists_the_nearest() -> None:
    # 31 (other transport) is supplied by 25 and 29 here; 08 food is not upstream of it.
    linkage = IndustryLinkage(
        "test table", {"25": "金屬", "29": "機械", "31": "運輸"}, {"31": ("25", "29")}
    )
    unplaced = factory("9", KEELUNG, "25")
    result = upstream_suppliers(
        [*FACTORIES, unplaced], "31", 121.76, 25.15, radius_km=10, linkage=linkage
    )
    assert [s.registration_number for s in result.suppliers] == ["2", "4", "3"]
    assert result.suppliers[0].upstream_industries == ("29",)
    assert result.suppliers[0].distance_km == round(haversine_km(121.76, 25.15, 121.77, 25.15), 3)
    by_code = {row.industry_code: row for row in result.upstream}
    assert (by_code["25"].factories_within, by_code["29"].factories_within) == (1, 2)
    assert by_code["29"].nearest_km == result.suppliers[0].distance_km
    assert result.unplaced_factories == 1  # factory 9 has no coordinates: counted apart
    assert any("no coordinates" in step for step in result.explanation.steps)
    assert result.explanation.sources[0] == "test table"
    # Penghu's food factories are 300 km away and not upstream anyway.
    assert (
        upstream_suppliers(FACTORIES, "31", 121.76, 25.15, radius_km=0.5, linkage=linkage).suppliers
        == ()
    )
