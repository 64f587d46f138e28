"""貨品分類號列 (CCC code) shapes: Taiwan's 11-digit extension of the 6-digit HS code.

Digits 1-6 are the HS subheading, 7-8 the tariff item, 9-10 the statistical item and 11 a check
digit whose algorithm is not published: only the shape is checked, the 11th digit never is.
Lists of regulated goods name whole codes or 6-, 8- or 10-digit prefixes of them.
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "CCC_LENGTH",
    "PREFIX_LENGTHS",
    "is_ccc_prefix",
    "is_ccc_shape",
    "normalise_ccc",
    "normalise_ccc_prefix",
]

CCC_LENGTH = 11
PREFIX_LENGTHS = frozenset({6, 8, 10, CCC_LENGTH})
# Filers write 8471.30.00.00-2, with spaces or full-width characters; separators carry no meaning.
_SEPARATORS = str.maketrans("", "", " .-\t")


def is_ccc_shape(code: str) -> bool:
    """True when ``code`` is exactly 11 ASCII digits (the check digit is not validated)."""
    return len(code) == CCC_LENGTH and _ascii_digits(code)


def is_ccc_prefix(prefix: str) -> bool:
    """True when ``prefix`` is 6, 8, 10 or 11 ASCII digits."""
    return len(prefix) in PREFIX_LENGTHS and _ascii_digits(prefix)


def normalise_ccc(raw: str) -> str | None:
    """The 11 digits of ``raw`` without separators, or None when the shape is wrong."""
    code = _strip(raw)
    return code if is_ccc_shape(code) else None


def normalise_ccc_prefix(raw: str) -> str | None:
    """A 6/8/10/11-digit prefix of ``raw`` without separators, or None when the shape is wrong."""
    prefix = _strip(raw)
    return prefix if is_ccc_prefix(prefix) else None


def _strip(raw: str) -> str:
    # NFKC folds full-width digits, dots, hyphens and the ideographic space to ASCII.
    return unicodedata.normalize("NFKC", raw).strip().translate(_SEPARATORS)


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()
