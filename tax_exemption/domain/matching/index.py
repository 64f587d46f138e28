"""Certificate items indexed once per batch: by cited key and by (firm, HS6) block.

Everything a line is compared against is normalised here, once per item, so the per-line work
is dictionary look-ups and string equality (a hash join, not a scan per line).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tax_exemption.domain.ccc_levels import STAT10_LENGTH, TARIFF8_LENGTH, hs6
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

    A plain slotted class: one is built per item per batch, and its text forms are computed
    on first use, since most items are only ever reached through an exact cite.
    """

    __slots__ = (
        "_text",
        "agreement_digits",
        "ccc_prefix",
        "exact_model",
        "exact_text",
        "item",
        "key",
        "model_key",
        "unit_code",
    )

    def __init__(self, item: CertificateItem) -> None:
        digits = STAT10_LENGTH if item.ten_digit_rule else TARIFF8_LENGTH
        item_model = model_key(item.model)
        self.item = item
        self.key = ItemKey(certificate_key(item.certificate_no), item.item_no)
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
    """The items of one batch, looked up by cited key or by (firm, HS6) block."""

    __slots__ = ("by_block", "by_key", "by_model")

    def __init__(self, items: Iterable[CertificateItem]) -> None:
        self.by_key: dict[ItemKey, IndexedItem] = {}
        blocks: defaultdict[Block, list[IndexedItem]] = defaultdict(list)
        for item in items:
            indexed = IndexedItem(item)
            if indexed.key in self.by_key:
                raise ValueError(f"duplicate certificate item {indexed.key}")
            self.by_key[indexed.key] = indexed
            blocks[(item.business_id, hs6(item.ccc_code))].append(indexed)
        # Sorted blocks make candidate order, hence every tie-break, independent of input order.
        self.by_block: dict[Block, tuple[IndexedItem, ...]] = {
            block: tuple(sorted(members, key=lambda member: member.key))
            for block, members in blocks.items()
        }
        models: defaultdict[tuple[str, str, str], list[IndexedItem]] = defaultdict(list)
        for (business_id, subheading), members in self.by_block.items():
            for member in members:
                models[(business_id, subheading, member.model_key)].append(member)
        # Items without a model are keyed by "" and join every model's candidates.
        self.by_model = {key: tuple(members) for key, members in models.items()}

    def cited(self, certificate_no: str | None, item_no: int | None) -> IndexedItem | None:
        if certificate_no is None or item_no is None:
            return None
        return self.by_key.get(ItemKey(certificate_key(certificate_no), item_no))

    def block(self, business_id: str, ccc_code: str) -> tuple[IndexedItem, ...]:
        return self.by_block.get((business_id, hs6(ccc_code)), ())

    def same_model(self, line: DeclarationLine, line_model: str) -> tuple[IndexedItem, ...]:
        """The block's items with the line's model number, and those approved without one."""
        subheading = hs6(line.ccc_code)
        unmodelled = self.by_model.get((line.importer_ban, subheading, ""), ())
        if not line_model:
            return unmodelled
        return self.by_model.get((line.importer_ban, subheading, line_model), ()) + unmodelled
