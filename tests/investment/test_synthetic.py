"""The synthetic registry: seeded, valid by the same rules as the real one, importable."""

from __future__ import annotations

from collections import Counter

from common.business_id import is_valid_business_id
from investment.registry import FactoryKind, parse_registry
from investment.registry.coordinates import in_taiwan
from investment.synthetic import generate_factories, to_csv_lines

FACTORIES = generate_factories(20_000, seed=7)


def test_same_seed_same_factories_other_seed_others() -> None:
    first = generate_factories(500, seed=7)
    assert generate_factories(500, seed=7) == first
    assert generate_factories(500, seed=8) != first


def test_identifiers_are_unique_and_valid() -> None:
    assert len({f.registration_number for f in FACTORIES}) == len(FACTORIES)
    assert len({f.business_id for f in FACTORIES}) == len(FACTORIES)
    assert all(is_valid_business_id(f.business_id) for f in FACTORIES)
    prefixes = {
        f.kind: f.registration_number[0]
        for f in FACTORIES
        if not f.registration_number[0].isdigit()
    }
    assert prefixes == {
        FactoryKind.SPECIFIC: "S",
        FactoryKind.TEMPORARY: "T",
        FactoryKind.MANAGED: "P",
    }


def test_distribution_looks_like_taiwan() -> None:
    counties = Counter(f.county_name for f in FACTORIES)
    assert [name for name, _ in counties.most_common(2)] == ["新北市", "臺中市"]
    assert counties["新北市"] > 50 * counties["基隆市"]
    kinds = Counter(f.kind for f in FACTORIES)
    assert kinds[FactoryKind.GENERAL] > 0.85 * len(FACTORIES)
    industries = {code for f in FACTORIES for code in f.industry_codes}
    assert industries <= {f"{n:02d}" for n in range(8, 34)} and len(industries) >= 20
    assert all(
        f.products and all(p.code[:2] in f.industry_codes for p in f.products) for f in FACTORIES
    )


def test_coordinates_inside_taiwan() -> None:
    assert all(
        f.longitude is not None and f.latitude is not None and in_taiwan(f.longitude, f.latitude)
        for f in FACTORIES
    )


def test_synthetic_csv_goes_through_the_real_parser_unchanged() -> None:
    sample = FACTORIES[:3000]
    result = parse_registry(to_csv_lines(sample))
    assert result.errors == ()
    assert result.records == tuple(sample)
