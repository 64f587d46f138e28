"""The engine's inputs: certificate items and declaration lines as immutable records.

Field names follow the customs layout where the record mirrors it (DECLNO → declaration_no,
GOODS_MODEL → goods_model, DOC_UM → doc_unit, ST_QTY/ST_UM → stat_quantity/stat_unit).
Codes are expected already shape-checked by ingestion; the engine still refuses what it cannot use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import repeat
from operator import attrgetter
from typing import NamedTuple

__all__ = ["CertificateItem", "DeclarationLine", "ItemKey", "LineKey", "line_keys"]


class ItemKey(NamedTuple):
    """A certificate item: certificate number (normalised) and item number."""

    certificate_no: str
    item_no: int


class LineKey(NamedTuple):
    """A declaration line: DECLNO and ITEMNO."""

    declaration_no: str
    item_no: int


@dataclass(frozen=True, slots=True)
class CertificateItem:
    """One approved item of a duty-exemption certificate (國內無產製減免稅捐證明)."""

    certificate_no: str
    item_no: int
    business_id: str
    ccc_code: str
    description: str
    model: str
    spec: str
    unit: str
    approved_quantity: Decimal
    balance: Decimal
    valid_from: date
    valid_until: date
    # Some certificates bind the goods to the 10-digit statistical item instead of 8 digits.
    ten_digit_rule: bool = False


@dataclass(frozen=True, slots=True)
class DeclarationLine:
    """One item line of an import declaration (進口報單) and the certificate item it cites."""

    declaration_no: str
    item_no: int
    importer_ban: str
    ccc_code: str
    description: str
    goods_model: str
    goods_spec: str
    quantity: Decimal
    doc_unit: str
    stat_quantity: Decimal | None
    stat_unit: str | None
    origin_country: str
    cited_certificate_no: str | None
    cited_item_no: int | None
    declaration_date: date

    @property
    def key(self) -> LineKey:
        # tuple.__new__ builds the named tuple in C (``LineKey(...)`` runs a Python __new__).
        return tuple.__new__(LineKey, (self.declaration_no, self.item_no))


_LINE_KEY = attrgetter("declaration_no", "item_no")


def line_keys(lines: Iterable[DeclarationLine]) -> list[LineKey]:
    """Every line's key, built in C (``map`` over ``tuple.__new__``): a batch needs them all."""
    return list(map(tuple.__new__, repeat(LineKey), map(_LINE_KEY, lines)))
