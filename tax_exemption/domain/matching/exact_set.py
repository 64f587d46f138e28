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
    drawn_positions: list[int] = []
    drawn_items: list[ItemKey] = []
    for indexed, claiming in claims.positions.items():
        demand = claims.demand[indexed]
        available = ledger.available(indexed)
        drawn = claiming
        if demand > available:
            drawn = _fitting(claiming, claims.quantities, lines, available)
            demand = sum(map(claims.quantities.__getitem__, drawn), _ZERO)
        if drawn:
            ledger.take(indexed, demand)
            drawn_positions += drawn
            drawn_items += repeat(indexed.key, len(drawn))
    return _decide(keys, drawn_positions, drawn_items, claims.quantities, ledger)


class _Claims:
    """The lines passing every rule but the balance: their positions in the batch grouped by
    the item they cite (in the order items are first cited), each item's total demand, and
    each line's quantity in its item's unit (one list aligned with the batch, no tuple per
    claim)."""

    __slots__ = ("demand", "positions", "quantities")

    def __init__(self, size: int) -> None:
        self.positions: dict[IndexedItem, list[int]] = {}
        self.demand: dict[IndexedItem, Decimal] = {}
        self.quantities = [_ZERO] * size


def _join(lines: Sequence[DeclarationLine], index: ItemIndex, claims: _Claims) -> None:
    """Join each line to its cited item and add it to ``claims`` if it passes every rule but
    the balance.

    One loop with local look-ups: the per-line work is a few dictionary hits and comparisons;
    a normalisation runs once per distinct raw value, not once per line.
    """
    numbers: dict[str, str] = {}
    texts: dict[tuple[str, str], str] = {}
    # Unit factors by the item's unit code, then the declared unit: no key tuple per line.
    factors: dict[str | None, dict[str, Decimal]] = {}
    positions = claims.positions
    demand = claims.demand
    quantities = claims.quantities
    reached = index.reached
    lookup = index.get
    for position, line in enumerate(lines):
        number = line.cited_certificate_no
        if number is None:
            continue
        normal = numbers.get(number)
        if normal is None:
            normal = numbers[number] = certificate_key(number)
        # A plain (number, item) tuple hashes and compares equal to the ItemKey named tuple.
        key = cast("ItemKey", (normal, line.cited_item_no))
        indexed = reached.get(key) or lookup(key)
        if (
            indexed is None
            or line.importer_ban != indexed.business_id
            or not line.ccc_code.startswith(indexed.ccc_prefix)
            or not indexed.valid_from <= line.declaration_date <= indexed.valid_until
        ):
            continue
        if not _same_content(line, indexed, texts):
            continue
        unit_code = indexed.unit_code
        by_unit = factors.get(unit_code)
        if by_unit is None:
            by_unit = factors[unit_code] = {}
        doc_unit = line.doc_unit
        factor = by_unit.get(doc_unit)
        if factor is None:
            factor = by_unit[doc_unit] = _factor(doc_unit, unit_code)
        # Most lines are declared in the item's own unit: no new Decimal for those.
        quantity = line.quantity if factor is _ONE else line.quantity * factor
        # A factor of 0 (units do not convert) fails here: the per-line path tries ST_UM.
        if not quantity > _ZERO:
            continue
        quantities[position] = quantity
        found = positions.get(indexed)
        if found is None:
            positions[indexed] = [position]
            # Summed from 0 as ``sum`` does: the same digits and exponent as the drawdowns'.
            demand[indexed] = _ZERO + quantity
        else:
            found.append(position)
            demand[indexed] += quantity


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
