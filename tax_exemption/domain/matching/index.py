"""Certificate items indexed once per batch: by cited key and by (firm, HS6) block.

Everything a line is compared against is normalised here, once per item, so the per-line work
is dictionary look-ups and string equality (a hash join, not a scan per line).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tax_exemption.domain.ccc_levels import HS6_LENGTH, STAT10_LENGTH, TARIFF8_LENGTH, hs6
from tax_exemption.domain.matching.normalise import (
    certificate_key,
    compact,
    exact_text,
    figures,
    model_key,
    text_key,
)
from tax_exemption.domain.matching.records import CertificateItem, DeclarationLine, ItemKey
from tax_exemption.domain.units import normalise_unit

__all__ = ["Block", "IndexedItem", "ItemIndex", "ItemText"]

Block = tuple[str, str]  # (business ID, HS6)


@dataclass(frozen=True, slots=True)
class ItemText:
    """An item's free text, normalised: built only for items the fuzzy pass looks at."""

    model_key: str
    description_text: str
    description_compact: str
    spec_compact: str
    spec_figures: tuple[str, ...]
    certificate_key: str

    @classmethod
    def of(cls, item: CertificateItem) -> ItemText:
        return cls(
            model_key=model_key(item.model),
            description_text=text_key(item.description),
            description_compact=compact(item.description),
            spec_compact=compact(item.spec),
            spec_figures=figures(item.spec),
            certificate_key=certificate_key(item.certificate_no),
        )


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
        "model_key",
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
        self._text: ItemText | None = None

    @property
    def text(self) -> ItemText:
        if self._text is None:
            self._text = ItemText.of(self.item)
        return self._text


class ItemIndex:
    """The items of one batch, looked up by cited key or by (firm, HS6) block.

    Only the key table is built up front (one dictionary insert per item); an item is indexed
    when a line first reaches it, and a block when a residue line first searches it, since a
    batch touches a fraction of all valid items and the exact pass only the cited ones.
    """

    __slots__ = ("_blocks", "_items", "_members", "_models", "reached")

    def __init__(self, items: Iterable[CertificateItem]) -> None:
        numbers: dict[str, str] = {}
        self._items: dict[ItemKey, CertificateItem] = {}
        count = 0
        for item in items:
            number = item.certificate_no
            normal = numbers.get(number)
            if normal is None:
                normal = numbers[number] = certificate_key(number)
            self._items[ItemKey(normal, item.item_no)] = item
            count += 1
        if len(self._items) != count:
            raise ValueError(f"duplicate certificate item among {count} items")
        # The items indexed so far: a hot loop may read it first and call ``get`` on a miss.
        self.reached: dict[ItemKey, IndexedItem] = {}
        self._members: defaultdict[Block, list[ItemKey]] | None = None
        self._blocks: dict[Block, tuple[IndexedItem, ...]] = {}
        self._models: dict[tuple[str, str, str], tuple[IndexedItem, ...]] = {}

    def get(self, key: ItemKey) -> IndexedItem | None:
        """The indexed item under ``key`` (a plain (number, item) tuple will do), or None."""
        indexed = self.reached.get(key)
        if indexed is None:
            item = self._items.get(key)
            if item is None:
                return None
            indexed = self.reached[key] = IndexedItem(item, ItemKey(*key))
        return indexed

    def cited(self, certificate_no: str | None, item_no: int | None) -> IndexedItem | None:
        if certificate_no is None or item_no is None:
            return None
        return self.get(ItemKey(certificate_key(certificate_no), item_no))

    def block(self, business_id: str, ccc_code: str) -> tuple[IndexedItem, ...]:
        return self._block((business_id, hs6(ccc_code)))

    def same_model(self, line: DeclarationLine, line_model: str) -> tuple[IndexedItem, ...]:
        """The block's items with the line's model number, and those approved without one."""
        block = (line.importer_ban, hs6(line.ccc_code))
        self._block(block)
        unmodelled = self._models.get((*block, ""), ())
        if not line_model:
            return unmodelled
        return self._models.get((*block, line_model), ()) + unmodelled

    def _block(self, block: Block) -> tuple[IndexedItem, ...]:
        found = self._blocks.get(block)
        if found is not None:
            return found
        by_block = self._members
        if by_block is None:
            by_block = self._members = defaultdict(list)
            for key, item in self._items.items():
                by_block[(item.business_id, item.ccc_code[:HS6_LENGTH])].append(key)
        # Sorted blocks make candidate order, hence every tie-break, independent of input order.
        keys = sorted(by_block.get(block, ()))
        members = tuple(indexed for key in keys if (indexed := self.get(key)) is not None)
        self._blocks[block] = members
        models: defaultdict[str, list[IndexedItem]] = defaultdict(list)
        for member in members:
            models[member.model_key].append(member)
        # Items without a model are keyed by "" and join every model's candidates.
        for model, same in models.items():
            self._models[(*block, model)] = tuple(same)
        return members
