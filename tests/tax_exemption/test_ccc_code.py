"""CCC codes: 11 ASCII digits, check digit never validated, prefixes."""

import pytest

from tax_exemption.domain.ccc_code import agree, hs6, is_ccc_shape, normalise_ccc, stat10, tariff8


@pytest.mark.parametrize("code", ["44032090164", "84571010003", "85423900220", "44032090169"])
def test_any_eleventh_digit_is_accepted(code: str) -> None:
    assert is_ccc_shape(code)


@pytest.mark.parametrize(
    "code", ["", "8542390022", "854239002200", "8542390022X", "８５４２３９００２２０"]
)
def test_wrong_shapes_are_rejected(code: str) -> None:
    assert not is_ccc_shape(code)


def test_separators_are_dropped_before_the_shape_check() -> None:
    assert normalise_ccc(" 8457.10.10.00-3 ") == "84571010003"
    assert normalise_ccc("8457.10.10") is None


def test_prefixes() -> None:
    code = "84571010003"
    assert (hs6(code), tariff8(code), stat10(code)) == ("845710", "84571010", "8457101000")
    assert agree(code, "84571010997", 8)
    assert not agree(code, "84571010997", 10)
    assert not agree("8457", code, 8)
