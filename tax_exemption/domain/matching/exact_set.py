"""The exact pass over a whole batch at once: a hash join of lines to the items they cite.

One pass over the lines joins each to its cited item through the key table and applies every
rule of ``exact.check_cited`` inline (firm, CCC prefix, validity, content, unit), with each
distinct certificate number, description-and-spec text and unit pair normalised once per
batch. The lines passing are grouped per item: an item whose balance covers its whole demand is
drawn down in one step; an over-subscribed one serves its lines in declaration order while they
fit. Whatever does not pass cleanly (a failed rule, a statistical-unit conversion, a line the
balance no longer covers) is left to the per-line path, which gives the reason.

Most of a batch ends here, so the per-line work is kept to look-ups and comparisons: a line's
quantity sits in one list aligned with the batch (no tuple per claim), and the decisions and
drawdowns of the drawn lines are built by ``map`` at C speed rather than one Python call each.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import repeat
from operator import attrgetter
from typing import cast

from tax_exemption.domain.matching.exact import ALL_CHECKS
from tax_exemption.domain.matching.index import IndexedItem, ItemIndex
from tax_exemption.domain.matching.ledger import RunningLedger
from tax_exemption.domain.matching.normalise import certificate_key, exact_text, model_key
from tax_exemption.domain.matching.outcomes import Decision, Drawdown, Explanation, Outcome, Rule
from tax_exemption.domain.matching.records import DeclarationLine, ItemKey, LineKey
from tax_exemption.domain.units import conversion_factor

__all__ = ["EXACT", "exact_pass"]

EXACT = Explanation(Rule.EXACT_CITED_ITEM, passed=ALL_CHECKS)
_ZERO = Decimal(0)
_ONE = Decimal(1)
_CHRONOLOGICAL = attrgetter("declaration_date", "declaration_no", "item_no")


def exact_pass(
    lines: Sequence[DeclarationLine],
    keys: Sequence[LineKey],
    index: ItemIndex,
    ledger: RunningLedger,
) -> list[Decision | None]:
    """Decisions for the lines the exact pass settles (None elsewhere), aligned with ``lines``
    (``keys``: the lines' keys, aligned with them too)."""
    claims = _Claims(len(lines))
    _join(lines, index, claims)
    quantities = claims.quantities
    drawn_positions: list[int] = []
    drawn_items: list[ItemKey] = []
    for indexed, claiming in claims.positions.items():
        # Summed from 0 in declaration-list order: the digits and exponent of the drawdowns'.
        demand = sum(map(quantities.__getitem__, claiming), _ZERO)
        available = ledger.available(indexed)
        drawn = claiming
        if demand > available:
            drawn = _fitting(claiming, quantities, lines, available)
            demand = sum(map(quantities.__getitem__, drawn), _ZERO)
        if drawn:
            ledger.take(indexed, demand)
            drawn_positions += drawn
            drawn_items += repeat(indexed.key, len(drawn))
    return _decide(keys, drawn_positions, drawn_items, quantities, ledger)


class _Claims:
    """The lines passing every rule but the balance: their positions in the batch grouped by
    the item they cite (in the order items are first cited), and each line's quantity in its
    item's unit (one list aligned with the batch, no tuple per claim)."""

    __slots__ = ("positions", "quantities")

    def __init__(self, size: int) -> None:
        self.positions: dict[IndexedItem, list[int]] = {}
        self.quantities = [_ZERO] * size


class _CitedItems(dict[int | None, IndexedItem | None]):
    """One cited certificate number's items by item number, each looked up on its first cite."""

    __slots__ = ("_index", "_number")

    def __init__(self, index: ItemIndex, number: str) -> None:
        super().__init__()
        self._index = index
        self._number = number

    def __missing__(self, item_no: int | None) -> IndexedItem | None:
        # A plain (number, item) tuple hashes and compares equal to the ItemKey named tuple.
        found = self[item_no] = self._index.get(cast("ItemKey", (self._number, item_no)))
        return found


class _Cites(dict[str, _CitedItems]):
    """Cited certificate numbers as written, each normalised on its first cite.

    Two subscripts (number, then item number) find a line's cited item: no key tuple per line,
    and the large tables are probed once per distinct cite, not once per line."""

    __slots__ = ("_index",)

    def __init__(self, index: ItemIndex) -> None:
        super().__init__()
        self._index = index

    def __missing__(self, number: str) -> _CitedItems:
        found = self[number] = _CitedItems(self._index, certificate_key(number))
        return found


def _join(lines: Sequence[DeclarationLine], index: ItemIndex, claims: _Claims) -> None:
    """Join each line to its cited item and add it to ``claims`` if it passes every rule but
    the balance.

    One loop with local look-ups: the per-line work is a few dictionary hits and comparisons;
    a normalisation runs once per distinct raw value, and not at all for the model and unit
    most lines spell exactly as their item does.
    """
    cites = _Cites(index)
    texts: dict[tuple[str, str], str] = {}
    # Unit factors by the item's unit code, then the declared unit: no key tuple per line.
    factors: dict[str | None, dict[str, Decimal]] = {}
    positions = claims.positions
    quantities = claims.quantities
    for position, line in enumerate(lines):
        number = line.cited_certificate_no
        if number is None:
            continue
        indexed = cites[number][line.cited_item_no]
        if (
            indexed is None
            or line.importer_ban != indexed.business_id
            or not line.ccc_code.startswith(indexed.ccc_prefix)
            or not indexed.valid_from <= line.declaration_date <= indexed.valid_until
        ):
            continue
        if line.goods_model != indexed.model and not _same_content(line, indexed, texts):
            continue
        doc_unit = line.doc_unit
        if doc_unit == indexed.unit:
            # The item's own unit (one with a code): the quantity as declared, no new Decimal.
            quantity = line.quantity
        else:
            unit_code = indexed.unit_code
            by_unit = factors.get(unit_code)
            if by_unit is None:
                by_unit = factors[unit_code] = {}
            factor = by_unit.get(doc_unit)
            if factor is None:
                factor = by_unit[doc_unit] = _factor(doc_unit, unit_code)
            quantity = line.quantity if factor is _ONE else line.quantity * factor
        # A factor of 0 (units do not convert) fails here: the per-line path tries ST_UM.
        if not quantity > _ZERO:
            continue
        quantities[position] = quantity
        claiming = positions.get(indexed)
        if claiming is None:
            positions[indexed] = [position]
        else:
            claiming.append(position)


def _same_content(
    line: DeclarationLine, indexed: IndexedItem, texts: dict[tuple[str, str], str]
) -> bool:
    """Same model number, or for an item without one the same description and spec.

    A model number (ASCII as a rule) is normalised by one C-level ``translate``, cheaper than a
    memo the size of the batch; ``texts`` memoises the costlier description-and-spec key."""
    if indexed.exact_model is not None:
        return model_key(line.goods_model) == indexed.exact_model
    pair = (line.description, line.goods_spec)
    text = texts.get(pair)
    if text is None:
        text = texts[pair] = exact_text(*pair)
    return text == indexed.exact_text


def _factor(doc_unit: str, unit_code: str | None) -> Decimal:
    """The unit factor; 0 when the units do not convert, and the shared ``_ONE`` when the
    quantity stays as declared (a factor of exactly 1 with exponent 0 changes no digit)."""
    factor = None if unit_code is None else conversion_factor(doc_unit, unit_code)
    if factor is None:
        return _ZERO
    return _ONE if factor.as_tuple() == _ONE.as_tuple() else factor


def _fitting(
    positions: list[int],
    quantities: list[Decimal],
    lines: Sequence[DeclarationLine],
    available: Decimal,
) -> list[int]:
    """The claims of an over-subscribed item that fit its balance, in declaration order."""
    positions.sort(key=lambda position: _CHRONOLOGICAL(lines[position]))
    fitting: list[int] = []
    for position in positions:
        quantity = quantities[position]
        if quantity <= available:
            available -= quantity
            fitting.append(position)
    return fitting


def _decide(
    keys: Sequence[LineKey],
    positions: list[int],
    items: list[ItemKey],
    quantities: list[Decimal],
    ledger: RunningLedger,
) -> list[Decision | None]:
    """One decision and one drawdown per drawn line (``items`` aligned with ``positions``).

    ``map`` over ``tuple.__new__`` builds the named tuples in C, every field given in order:
    no Python-level call per line for the bulk of a batch.
    """
    new = tuple.__new__
    drawn = list(map(quantities.__getitem__, positions))
    lines = list(map(keys.__getitem__, positions))
    ledger.record(map(new, repeat(Drawdown), zip(items, lines, drawn, strict=True)))
    fields = zip(
        lines,
        repeat(Outcome.AUTO_MATCHED),
        repeat(EXACT),
        items,
        drawn,
        repeat(None),
        repeat(()),
    )
    decisions: list[Decision | None] = [None] * len(keys)
    for position, decision in zip(positions, map(new, repeat(Decision), fields), strict=True):
        decisions[position] = decision
    return decisions
