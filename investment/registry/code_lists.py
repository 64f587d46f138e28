"""Split 產業類別 / 主要產品 lists on the code boundary, not on every 、.

Entries are `、`-joined "code+name" strings, but names contain 、 themselves
(`27電腦、電子產品及光學製品製造業`), so a new entry starts only where 、 is followed by a
code. Industry codes are 2 digits (DGBAS 08-33); product codes are 3 digits, with occasional
7-digit codes published without a name (`2499990`). Exact duplicates are dropped, order kept.
"""

from __future__ import annotations

import re

from investment.registry.errors import FieldError
from investment.registry.records import CodedItem

__all__ = ["split_industries", "split_products"]

# An industry name never starts with a digit; a product code may be 3 to 7 digits.
_INDUSTRY_ENTRY = re.compile(r"(\d{2})([^\d、].*?)(?=、\d{2}\D|$)")
_PRODUCT_ENTRY = re.compile(r"(\d{3,7})([^\d、].*?)?(?=、\d{3,7}(?:\D|$)|$)")
_MANUFACTURING_CODES = range(8, 34)


def split_industries(text: str) -> tuple[CodedItem, ...]:
    """'26電子零組件製造業、27電腦、電子產品及光學製品製造業' -> two items."""
    items = _split(text.strip(), _INDUSTRY_ENTRY, "industry")
    for item in items:
        if int(item.code) not in _MANUFACTURING_CODES:
            raise FieldError(f"industry code {item.code} is not a manufacturing code (08-33)")
    return items


def split_products(text: str) -> tuple[CodedItem, ...]:
    """'231玻璃及其製品、232耐火、黏土建材及其他陶瓷製品' -> two items; '2499990' -> code only."""
    return _split(text.strip(), _PRODUCT_ENTRY, "product")


def _split(text: str, pattern: re.Pattern[str], what: str) -> tuple[CodedItem, ...]:
    if not text:
        return ()
    items: dict[CodedItem, None] = {}
    position = 0
    while position < len(text):
        match = pattern.match(text, position)
        if match is None:
            raise FieldError(
                f"{what} list entry does not start with a code at: {text[position:]!r}"
            )
        items[CodedItem(match.group(1), (match.group(2) or "").strip())] = None
        position = match.end() + 1  # skip the 、 separator
    if text.endswith("、"):
        raise FieldError(f"{what} list ends with a separator: {text!r}")
    return tuple(items)
