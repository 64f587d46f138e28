"""Address handling: a matching key, and county/township from 工廠市鎮鄉村里 or the address."""

from __future__ import annotations

import re
import unicodedata

from investment.registry.counties import County, county_at_start, fold_tai
from investment.registry.errors import FieldError

__all__ = ["address_key", "locate", "township_of"]

_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "−": "-"})
# Township names end in 區/鄉/鎮/市; 新市區 and 平鎮區 hold a suffix character inside, so a
# suffix directly followed by another suffix is taken as part of the name.
_TOWNSHIP = re.compile(r"(.+?[區鄉鎮市][區鄉鎮市]?)")


def address_key(address: str) -> str:
    """Full-width -> half-width (NFKC), 台 -> 臺, unified dashes, no whitespace."""
    folded = unicodedata.normalize("NFKC", address).translate(_DASHES)
    return _SPACES.sub("", fold_tai(folded))


def locate(village: str, address: str) -> tuple[County, str | None]:
    """County (from 市鎮鄉村里, else the address) and township; FieldError if neither has one."""
    for source in (village, address):
        county = county_at_start(address_key(source))
        if county is not None:
            return county, township_of(address_key(source)[3:])
    raise FieldError(f"no Taiwan county at the start of {village!r} or {address!r}")


def township_of(after_county: str) -> str | None:
    """'中正區社寮里' -> '中正區'; '新市區' stays whole; None when no suffix is found."""
    match = _TOWNSHIP.match(after_county)
    return match.group(1) if match and len(match.group(1)) <= 4 else None
