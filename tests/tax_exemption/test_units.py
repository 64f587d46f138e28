"""Customs units: spellings, conversions within a dimension, none across."""

from decimal import Decimal

import pytest

from tax_exemption.domain.units import conversion_factor, convert, is_convertible, normalise_unit


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("PCS", "PCE"),
        ("ea", "PCE"),
        ("個", "PCE"),
        ("sets", "SET"),
        ("組", "SET"),
        ("KGS", "KGM"),
        ("ＫＧＭ", "KGM"),
        (" kg ", "KGM"),
        ("公噸", "TNE"),
        ("台", "UNT"),
        ("M3", "MTQ"),
    ],
)
def test_spellings_normalise_to_customs_codes(raw: str, code: str) -> None:
    assert normalise_unit(raw) == code


@pytest.mark.parametrize("raw", ["MT", "T", "BOX", ""])
def test_ambiguous_or_unknown_spellings_do_not_guess(raw: str) -> None:
    assert normalise_unit(raw) is None


def test_conversions_within_a_dimension() -> None:
    assert convert(Decimal("1.5"), "TNE", "KGM") == Decimal(1500)
    assert convert(Decimal(500), "GRM", "KGM") == Decimal("0.5")
    assert convert(Decimal(2), "DZN", "PCS") == Decimal(24)
    assert convert(Decimal(3), "UNT", "PCE") == Decimal(3)
    assert convert(Decimal(250), "CMT", "MTR") == Decimal("2.5")
    assert conversion_factor("MTQ", "LTR") == Decimal(1000)


@pytest.mark.parametrize(
    ("source", "target"),
    [("SET", "PCE"), ("PRS", "PCE"), ("KGM", "PCE"), ("MTR", "MTK"), ("PCE", "BOX")],
)
def test_no_conversion_across_dimensions(source: str, target: str) -> None:
    assert not is_convertible(source, target)
    assert convert(Decimal(1), source, target) is None
