"""Customs unit codes (單位), their spelling variants and which convert into which.

Declarations carry DOC_UM (the invoice unit) and ST_UM (the statistical unit); certificates carry
the approved unit. Codes are UN/ECE Recommendation 20 codes as Taiwan customs uses them. Units
convert only within one dimension: a SET (組) is never a number of pieces, because a set's
content is not known, and a pair (雙) stays a pair.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

__all__ = [
    "UNITS",
    "Dimension",
    "Unit",
    "conversion_factor",
    "convert",
    "is_convertible",
    "normalise_unit",
]


class Dimension(StrEnum):
    """What a unit measures; conversion never crosses dimensions."""

    COUNT = "count"
    SET = "set"
    PAIR = "pair"
    MASS = "mass"
    LENGTH = "length"
    AREA = "area"
    VOLUME = "volume"


@dataclass(frozen=True, slots=True)
class Unit:
    """One customs unit: its code, Chinese name, dimension and size in the dimension's base."""

    code: str
    name_zh: str
    dimension: Dimension
    factor: Decimal


def _unit(code: str, name_zh: str, dimension: Dimension, factor: str = "1") -> Unit:
    return Unit(code, name_zh, dimension, Decimal(factor))


UNITS: dict[str, Unit] = {
    unit.code: unit
    for unit in (
        _unit("PCE", "個", Dimension.COUNT),
        _unit("UNT", "台", Dimension.COUNT),
        _unit("DZN", "打", Dimension.COUNT, "12"),
        _unit("GRO", "籮", Dimension.COUNT, "144"),
        _unit("SET", "組", Dimension.SET),
        _unit("PRS", "雙", Dimension.PAIR),
        _unit("KGM", "公斤", Dimension.MASS),
        _unit("GRM", "公克", Dimension.MASS, "0.001"),
        _unit("TNE", "公噸", Dimension.MASS, "1000"),
        _unit("MTR", "公尺", Dimension.LENGTH),
        _unit("CMT", "公分", Dimension.LENGTH, "0.01"),
        _unit("MMT", "公釐", Dimension.LENGTH, "0.001"),
        _unit("MTK", "平方公尺", Dimension.AREA),
        _unit("LTR", "公升", Dimension.VOLUME),
        _unit("MLT", "毫升", Dimension.VOLUME, "0.001"),
        _unit("MTQ", "立方公尺", Dimension.VOLUME, "1000"),
    )
}

# Spellings seen on invoices and filings, mapped to the customs code. Ambiguous spellings
# (MT: metre or metric ton? T, PK) are deliberately absent: they must not guess.
_VARIANTS: dict[str, str] = {
    "PCS": "PCE",
    "PC": "PCE",
    "EA": "PCE",
    "EACH": "PCE",
    "PIECE": "PCE",
    "PIECES": "PCE",
    "個": "PCE",
    "件": "PCE",
    "支": "PCE",
    "UNIT": "UNT",
    "UNITS": "UNT",
    "台": "UNT",
    "臺": "UNT",
    "DOZ": "DZN",
    "DOZEN": "DZN",
    "SETS": "SET",
    "組": "SET",
    "套": "SET",
    "PAIR": "PRS",
    "PAIRS": "PRS",
    "PR": "PRS",
    "KG": "KGM",
    "KGS": "KGM",
    "G": "GRM",
    "GR": "GRM",
    "GRAM": "GRM",
    "TON": "TNE",
    "TONS": "TNE",
    "M": "MTR",
    "METER": "MTR",
    "METRE": "MTR",
    "CM": "CMT",
    "MM": "MMT",
    "M2": "MTK",
    "SQM": "MTK",
    "L": "LTR",
    "LT": "LTR",
    "LITRE": "LTR",
    "LITER": "LTR",
    "ML": "MLT",
    "M3": "MTQ",
    "CBM": "MTQ",
}
_VARIANTS.update({unit.name_zh: unit.code for unit in UNITS.values()})


@lru_cache(maxsize=4096)
def normalise_unit(raw: str) -> str | None:
    """The customs code for a spelling of a unit (case, width and spacing ignored), or None."""
    text = unicodedata.normalize("NFKC", raw).strip().upper().replace(" ", "").rstrip(".")
    if text in UNITS:
        return text
    return _VARIANTS.get(text)


@lru_cache(maxsize=4096)
def conversion_factor(source: str, target: str) -> Decimal | None:
    """How many ``target`` units one ``source`` unit is, or None when they do not convert."""
    source_code = normalise_unit(source)
    target_code = normalise_unit(target)
    if source_code is None or target_code is None:
        return None
    source_unit = UNITS[source_code]
    target_unit = UNITS[target_code]
    if source_unit.dimension is not target_unit.dimension:
        return None
    return source_unit.factor / target_unit.factor


def is_convertible(source: str, target: str) -> bool:
    """True when a quantity in ``source`` can be expressed in ``target``."""
    return conversion_factor(source, target) is not None


def convert(quantity: Decimal, source: str, target: str) -> Decimal | None:
    """``quantity`` of ``source`` expressed in ``target``, or None when they do not convert."""
    factor = conversion_factor(source, target)
    return None if factor is None else quantity * factor
