"""貨品分類號列 (CCC code): Taiwan's 11-digit extension of the HS code.

Digits 1-6 are the HS subheading, 7-8 the tariff item (duty rate), 9-10 the statistical item
and 11 a check digit whose algorithm is not published: we check the shape only and never
validate the 11th digit.
"""

from __future__ import annotations

__all__ = [
    "CCC_LENGTH",
    "HS6_LENGTH",
    "STAT10_LENGTH",
    "TARIFF8_LENGTH",
    "agree",
    "hs6",
    "is_ccc_shape",
    "normalise_ccc",
    "stat10",
    "tariff8",
]

CCC_LENGTH = 11
HS6_LENGTH = 6
TARIFF8_LENGTH = 8
STAT10_LENGTH = 10
# Filers write codes as 8457.10.10.00-1 or with spaces; the separators carry no meaning.
_SEPARATORS = str.maketrans("", "", " .-\u3000")


def is_ccc_shape(code: str) -> bool:
    """True when ``code`` is exactly 11 ASCII digits (the check digit is not validated)."""
    return len(code) == CCC_LENGTH and code.isascii() and code.isdigit()


def normalise_ccc(raw: str) -> str | None:
    """The 11 digits of ``raw`` without separators, or None when the shape is wrong."""
    code = raw.strip().translate(_SEPARATORS)
    return code if is_ccc_shape(code) else None


def hs6(code: str) -> str:
    """The HS subheading (目): the first 6 digits."""
    return code[:HS6_LENGTH]


def tariff8(code: str) -> str:
    """The tariff item (款), which fixes the duty rate: the first 8 digits."""
    return code[:TARIFF8_LENGTH]


def stat10(code: str) -> str:
    """The statistical item (項), the trade-control level: the first 10 digits."""
    return code[:STAT10_LENGTH]


def agree(first: str, second: str, digits: int) -> bool:
    """True when two codes share their first ``digits`` digits."""
    return len(first) >= digits and first[:digits] == second[:digits]
