"""MOI 5-digit county codes (內政部縣市代碼), with 台/臺 folding and pre-2010 county names.

counties.json is a copy of the shared geo/tw_county_codes.json (MOI codes, public facts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["County", "all_counties", "county_at_start", "county_by_name", "fold_tai"]

# Counties merged into municipalities on 2010-12-25 (桃園 on 2014-12-25); old rows keep old names.
_LEGACY_NAMES = {
    "臺北縣": "新北市",
    "桃園縣": "桃園市",
    "臺中縣": "臺中市",
    "臺南縣": "臺南市",
    "高雄縣": "高雄市",
}


@dataclass(frozen=True, slots=True)
class County:
    code: str
    name: str


def fold_tai(text: str) -> str:
    """台 -> 臺: the official form; many datasets use the common variant."""
    return text.replace("台", "臺")


@cache
def all_counties() -> tuple[County, ...]:
    raw = json.loads(resources.files(__package__).joinpath("counties.json").read_text("utf-8"))
    return tuple(County(code=item["code"], name=item["name"]) for item in raw["counties"])


@cache
def _by_name() -> dict[str, County]:
    table = {county.name: county for county in all_counties()}
    table.update({old: table[new] for old, new in _LEGACY_NAMES.items()})
    return table


def county_by_name(name: str) -> County | None:
    """Exact county name (台 or 臺, current or legacy) -> County, else None."""
    return _by_name().get(fold_tai(name.strip()))


def county_at_start(text: str) -> County | None:
    """The county an address or 市鎮鄉村里 value starts with (every county name is 3 characters)."""
    return county_by_name(text.strip()[:3])
