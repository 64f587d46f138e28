"""CCC code shape checks: 11 digits, 6/8/10-digit prefixes, no check-digit validation."""

from __future__ import annotations

import pytest

from common.ccc_code import is_ccc_prefix, is_ccc_shape, normalise_ccc, normalise_ccc_prefix


@pytest.mark.parametrize("code", ["84713000002", "00000000000", "85161000009"])
def test_eleven_ascii_digits_are_a_ccc_code_whatever_the_check_digit(code: str) -> None:
    assert is_ccc_shape(code)


@pytest.mark.parametrize(
    "code",
    ["8471300000", "847130000021", "8471300000X", "８４７１３０００００２", "", "-8471300000"],
)
def test_wrong_length_letters_and_unicode_digits_are_not_a_ccc_code(code: str) -> None:
    assert not is_ccc_shape(code)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("8471.30.00.00-2", "84713000002"),
        (" 8471 3000 002 ", "84713000002"),
        ("８４７１．３０．００．００－２", "84713000002"),
        ("8471\u30003000002", "84713000002"),
        ("８４７１３０００００２", "84713000002"),
        ("8471.30.00.00", None),
    ],
)
def test_normalise_ccc_drops_separators_and_folds_full_width_digits(
    raw: str, expected: str | None
) -> None:
    assert normalise_ccc(raw) == expected


@pytest.mark.parametrize("prefix", ["847130", "84713000", "8471300000", "84713000002"])
def test_six_eight_ten_and_eleven_digit_prefixes_are_accepted(prefix: str) -> None:
    assert is_ccc_prefix(prefix)


@pytest.mark.parametrize("prefix", ["8471", "8471300", "847130000", "84713000002X", "84713a"])
def test_other_prefix_lengths_are_refused(prefix: str) -> None:
    assert not is_ccc_prefix(prefix)


def test_normalise_prefix_keeps_the_prefix_and_refuses_bad_lengths() -> None:
    assert normalise_ccc_prefix("8471.30") == "847130"
    assert normalise_ccc_prefix("8471.30.00") == "84713000"
    assert normalise_ccc_prefix("8471.3") is None
