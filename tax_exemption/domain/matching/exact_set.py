"""The exact pass over a whole batch at once: a hash join of lines to the items they cite.

One pass over the lines joins each to its cited item through the key table and applies every
rule of ``exact.check_cited`` inline (firm, CCC prefix, validity, content, unit), with each
distinct certificate number, model, text and unit pair normalised once per batch. The lines
passing are grouped per item: an item whose balance covers its whole demand is drawn down in one
step; an over-subscribed one serves its lines in declaration order while they fit. Whatever does
not pass cleanly (a failed rule, a statistical-unit conversion, a line the balance no longer
covers) is left to the per-line path, which gives the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
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
_CHRONOLOGICAL = attrgetter("declaration_date", "declaration_no", "item_no")
Claim = tuple[int, Decimal]  # (position of the line in the batch, quantity in the item's unit)


def exact_pass(
    lines: Sequence[DeclarationLine], index: ItemIndex, ledger: RunningLedger
) -> list[Decision | None]:
    """Decisions for the lines the exact pass settles (None elsewhere), aligned with ``lines``."""
    decisions: list[Decision | None] = [None] * len(lines)
    for indexed, claims in _claims(lines, index).items():
        drawn = _drawable(claims, lines, ledger.available(indexed))
        if drawn:
            ledger.take(indexed, sum((quantity for _, quantity in drawn), _ZERO))
            _decide(drawn, indexed.key, lines, decisions, ledger)
    return decisions


def _claims(lines: Sequence[DeclarationLine], index: ItemIndex) -> dict[IndexedItem, list[Claim]]:
    """The lines passing every rule but the balance, grouped by the item they cite.

    One loop with local look-ups: the per-line work is a few dictionary hits and comparisons;
    a normalisation runs once per distinct raw value, not once per line.
    """
    numbers: dict[str, str] = {}
    models: dict[str, str] = {}
    texts: dict[tuple[str, str], str] = {}
    factors: dict[tuple[str, str | None], Decimal] = {}
    claims: dict[IndexedItem, list[Claim]] = {}
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
        if not _same_content(line, indexed, models, texts):
            continue
        units = (line.doc_unit, indexed.unit_code)
        factor = factors.get(units)
        if factor is None:
            factor = factors[units] = _factor(*units)
        # A factor of 0 (units do not convert) fails here: the per-line path tries ST_UM.
        quantity = line.quantity * factor
        if not quantity > _ZERO:
            continue
        found = claims.get(indexed)
        if found is None:
            claims[indexed] = [(position, quantity)]
        else:
            found.append((position, quantity))
    return claims


def _same_content(
    line: DeclarationLine,
    indexed: IndexedItem,
    models: dict[str, str],
    texts: dict[tuple[str, str], str],
) -> bool:
    """Same model number, or for an item without one the same description and spec; the
    dictionaries memoise the normalised form of each raw value for the batch."""
    if indexed.exact_model is not None:
        raw = line.goods_model
        model = models.get(raw)
        if model is None:
            model = models[raw] = model_key(raw)
        return model == indexed.exact_model
    pair = (line.description, line.goods_spec)
    text = texts.get(pair)
    if text is None:
        text = texts[pair] = exact_text(*pair)
    return text == indexed.exact_text


def _factor(doc_unit: str, unit_code: str | None) -> Decimal:
    factor = None if unit_code is None else conversion_factor(doc_unit, unit_code)
    return _ZERO if factor is None else factor


def _drawable(
    claims: list[Claim], lines: Sequence[DeclarationLine], available: Decimal
) -> list[Claim]:
    """All claims if the balance covers them, else those that fit in declaration order."""
    if sum((quantity for _, quantity in claims), _ZERO) <= available:
        return claims
    claims.sort(key=lambda claim: _CHRONOLOGICAL(lines[claim[0]]))
    drawn: list[Claim] = []
    for claim in claims:
        if claim[1] <= available:
            available -= claim[1]
            drawn.append(claim)
    return drawn


def _decide(
    drawn: list[Claim],
    item: ItemKey,
    lines: Sequence[DeclarationLine],
    decisions: list[Decision | None],
    ledger: RunningLedger,
) -> None:
    """One decision and one drawdown per drawn line."""
    new = tuple.__new__
    matched = Outcome.AUTO_MATCHED
    drawdowns = ledger.drawdowns
    for position, quantity in drawn:
        line = lines[position]
        # tuple.__new__ builds the named tuples in C; every field is given, in order.
        key = new(LineKey, (line.declaration_no, line.item_no))
        drawdowns.append(new(Drawdown, (item, key, quantity)))
        decisions[position] = new(Decision, (key, matched, EXACT, item, quantity, None, ()))
