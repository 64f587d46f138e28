"""Certificate items indexed once per batch: by cited key and by (firm, HS6) block.

Everything a line is compared against is normalised here, once per item, so the per-line work
is dictionary look-ups and string equality (a hash join, not a scan per line).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import cast

from tax_exemption.domain.ccc_levels import HS6_LENGTH, STAT10_LENGTH, TARIFF8_LENGTH, hs6
from tax_exemption.domain.matching.normalise import (
    certificate_key,
    compact,
    exact_text,
    figures,
    model_key,
    text_key,
)
from tax_exemption.domain.matching.records import CertificateItem, ItemKey
from tax_exemption.domain.units import normalise_unit

__all__ = [
    "Block",
    "BlockKey",
    "IndexedItem",
    "ItemIndex",
    "ItemText",
    "other_models",
    "same_model",
]

BlockKey = tuple[str, str]  # (business ID, HS6)


class ItemText:
    """An item's description and spec, normalised: built only for items the fuzzy pass scores
    (its model and certificate number are normalised on ``IndexedItem`` already). Slotted,
    not a named tuple: ``score`` reads its fields for every candidate."""

    __slots__ = ("description_compact", "description_text", "spec_compact", "spec_figures")

    def __init__(self, description: str, spec: str) -> None:
        self.description_text = text_key(description)
        self.description_compact = compact(description)
        self.spec_compact = compact(spec)
        self.spec_figures = figures(spec)

    @classmethod
    def of(cls, item: CertificateItem) -> ItemText:
        return _item_text(item.description, item.spec)


# Items repeat a few descriptions and specs (a firm's goods, item after item), so each
# distinct pair is normalised once and its forms shared; bounded like the other caches.
@lru_cache(maxsize=1 << 14)
def _item_text(description: str, spec: str) -> ItemText:
    return ItemText(description, spec)


class IndexedItem:
    """A certificate item with what the exact pass compares precomputed.

    A plain slotted class: one is built per item a batch reaches (cited or in a searched
    block), and its text forms are computed on first use, since most items are only ever
    reached through an exact cite.
    """

    __slots__ = (
        "_text",
        "agreement_digits",
        "business_id",
        "ccc_prefix",
        "exact_model",
        "exact_text",
        "item",
        "key",
        "model",
        "model_key",
        "unit",
        "unit_code",
        "valid_from",
        "valid_until",
    )

    def __init__(self, item: CertificateItem, key: ItemKey) -> None:
        digits = STAT10_LENGTH if item.ten_digit_rule else TARIFF8_LENGTH
        item_model = model_key(item.model)
        self.item = item
        self.key = key
        self.business_id = item.business_id
        self.valid_from = item.valid_from
        self.valid_until = item.valid_until
        self.agreement_digits = digits
        # The CCC prefix a line must start with, and what settles content at once: the model,
        # or for an item without one its description and spec.
        self.ccc_prefix = item.ccc_code[:digits]
        self.model_key = item_model
        self.exact_model = item_model or None
        self.exact_text = None if item_model else exact_text(item.description, item.spec)
        self.unit_code = normalise_unit(item.unit)
        # The model and unit as the item spells them, when they have a key: a line spelling
        # them the same way agrees without being normalised (equal text, equal key).
        self.model = item.model if item_model else None
        self.unit = item.unit if self.unit_code is not None else None
        self._text: ItemText | None = None

    @property
    def text(self) -> ItemText:
        if self._text is None:
            self._text = ItemText.of(self.item)
        return self._text


Block = tuple[IndexedItem, ...]  # a firm's items under one HS6 subheading


class ItemIndex:
    """The items of one batch, looked up by cited key or by (firm, HS6) block.

    Only the key table is built up front (one dictionary insert per item); an item is indexed
    when a line first reaches it, and a block when a residue line first searches it, since a
    batch touches a fraction of all valid items and the exact pass only the cited ones.
    """

    __slots__ = ("_blocks", "_items", "_members", "_reached")

    def __init__(self, items: Iterable[CertificateItem]) -> None:
        numbers: dict[str, str] = {}
        self._items: dict[ItemKey, CertificateItem] = {}
        new_key = tuple.__new__
        count = 0
        for item in items:
            number = item.certificate_no
            normal = numbers.get(number)
            if normal is None:
                normal = numbers[number] = certificate_key(number)
            self._items[new_key(ItemKey, (normal, item.item_no))] = item
            count += 1
        if len(self._items) != count:
            raise ValueError(f"duplicate certificate item among {count} items")
        # The items indexed so far (the exact pass caches its cites' items itself).
        self._reached: dict[ItemKey, IndexedItem] = {}
        self._members: defaultdict[BlockKey, list[ItemKey]] | None = None
        self._blocks: dict[BlockKey, Block] = {}

    def get(self, key: ItemKey) -> IndexedItem | None:
        """The indexed item under ``key`` (a plain (number, item) tuple will do), or None."""
        indexed = self._reached.get(key)
        if indexed is None:
            item = self._items.get(key)
            if item is None:
                return None
            # tuple.__new__ makes the named tuple in C (``ItemKey(*key)`` goes through Python).
            indexed = self._reached[key] = IndexedItem(item, tuple.__new__(ItemKey, key))
        return indexed

    def cited(self, certificate_no: str | None, item_no: int | None) -> IndexedItem | None:
        if certificate_no is None or item_no is None:
            return None
        # A plain (number, item) tuple hashes and compares equal to the ItemKey named tuple.
        return self.get(cast("ItemKey", (certificate_key(certificate_no), item_no)))

    def block(self, business_id: str, ccc_code: str) -> Block:
        """The firm's items under the code's HS6 subheading: the fuzzy pass's candidates, in
        input order (the fuzzy pass ranks them by score and item key, so no decision depends
        on this order)."""
        key = (business_id, hs6(ccc_code))
        found = self._blocks.get(key)
        if found is None:
            members = self._block_members().get(key, ())
            found = self._blocks[key] = tuple(map(self._indexed, members))
        return found

    def _indexed(self, key: ItemKey) -> IndexedItem:
        """``get`` for a key of the table itself (an ItemKey, never missing)."""
        indexed = self._reached.get(key)
        if indexed is None:
            indexed = self._reached[key] = IndexedItem(self._items[key], key)
        return indexed

    def _block_members(self) -> dict[BlockKey, list[ItemKey]]:
        """Every item's key by block, built when a residue line first searches a block."""
        by_block = self._members
        if by_block is None:
            by_block = self._members = defaultdict(list)
            for item_key, item in self._items.items():
                by_block[(item.business_id, item.ccc_code[:HS6_LENGTH])].append(item_key)
        return by_block


def same_model(block: Block, line_model: str) -> list[IndexedItem]:
    """The block's items with the line's model number, and those approved without one (which
    join every model's candidates): only they can be the same goods."""
    return [item for item in block if not item.model_key or item.model_key == line_model]


def other_models(block: Block, line_model: str) -> list[IndexedItem]:
    """The block's items ``same_model`` leaves out."""
    return [item for item in block if item.model_key and item.model_key != line_model]
