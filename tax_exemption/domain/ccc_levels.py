"""The levels of a 貨品分類號列 (CCC code) that matching compares; shape checks are in common.

Digits 1-6 are the HS subheading (目), 7-8 the tariff item (款, the duty rate) and 9-10 the
statistical item (項). A certificate binds its goods to 8 digits, or to 10 under its own rule.
"""

from __future__ import annotations

__all__ = ["HS6_LENGTH", "STAT10_LENGTH", "TARIFF8_LENGTH", "agree", "hs6", "stat10", "tariff8"]

HS6_LENGTH = 6
TARIFF8_LENGTH = 8
STAT10_LENGTH = 10


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
