"""CCC code levels compared by matching: HS6, tariff item, statistical item, agreement."""

from tax_exemption.domain.ccc_levels import agree, hs6, stat10, tariff8


def test_prefixes() -> None:
    code = "84571010003"
    assert (hs6(code), tariff8(code), stat10(code)) == ("845710", "84571010", "8457101000")


def test_agreement_counts_leading_digits_only() -> None:
    code = "84571010003"
    assert agree(code, "84571010997", 8)
    assert not agree(code, "84571010997", 10)
    assert not agree("8457", code, 8)
