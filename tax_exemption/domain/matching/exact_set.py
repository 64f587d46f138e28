"""The exact pass over a whole batch at once: a hash join of lines to the items they cite.

Each rule of ``exact.check_cited`` is applied to every line as one ``map`` over columns (the
loop runs in C), lines passing all of them are summed per item, and an item whose demand fits
its balance is drawn down in one step. Whatever does not pass cleanly (a failed rule, a
statistical-unit conversion, an item without a model, an item whose balance the batch
over-subscribes) is left to the per-line path, which gives the reason and keeps declaration
order for contested balances.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from decimal import Decimal
from itertools import compress, repeat
from operator import attrgetter, eq, gt, le, mul, or_
from typing import cast

from tax_exemption.domain.matching.exact import ALL_CHECKS
from tax_exemption.domain.matching.index import IndexedItem, ItemIndex
from tax_exemption.domain.matching.ledger import RunningLedger
from tax_exemption.domain.matching.normalise import certificate_key, exact_text, model_key
from tax_exemption.domain.matching.outcomes import Decision, Drawdown, Explanation, Outcome, Rule
from tax_exemption.domain.matching.records import DeclarationLine, ItemKey, LineKey
from tax_exemption.domain.units import conversion_factor

__all__ = ["exact_pass"]

EXACT = Explanation(Rule.EXACT_CITED_ITEM, passed=ALL_CHECKS)
_ZERO = Decimal(0)
_CITED_NO = attrgetter("cited_certificate_no")
_CITED_ITEM = attrgetter("cited_item_no")
_BAN = attrgetter("importer_ban")
_CCC = attrgetter("ccc_code")
_MODEL = attrgetter("goods_model")
_DOC_UNIT = attrgetter("doc_unit")
_QUANTITY = attrgetter("quantity")
_DAY = attrgetter("declaration_date")
_DECLNO = attrgetter("declaration_no")
_ITEMNO = attrgetter("item_no")
_ITEM_BAN = attrgetter("item.business_id")
_ITEM_FROM = attrgetter("item.valid_from")
_ITEM_UNTIL = attrgetter("item.valid_until")
_PREFIX = attrgetter("ccc_prefix")
_UNIT = attrgetter("unit_code")
_EXACT_MODEL = attrgetter("exact_model")
_EXACT_TEXT = attrgetter("exact_text")
_DESCRIPTION = attrgetter("description")
_SPEC = attrgetter("goods_spec")
_KEY = attrgetter("key")


def exact_pass(
    lines: Sequence[DeclarationLine], index: ItemIndex, ledger: RunningLedger
) -> list[Decision | None]:
    """Decisions for the lines the exact pass settles (None elsewhere), aligned with ``lines``."""
    decisions: list[Decision | None] = [None] * len(lines)
    cited = _cited_items(lines, index)
    positions = list(compress(range(len(lines)), cited))
    hits = cast("list[IndexedItem]", list(compress(cited, cited)))  # the Nones are dropped
    subset = list(map(lines.__getitem__, positions))
    quantities = list(map(mul, map(_QUANTITY, subset), _factors(subset, hits)))
    passed = list(map(all, zip(*_rules(subset, hits, quantities), strict=True)))
    positions, hits, quantities = (
        list(compress(column, passed)) for column in (positions, hits, quantities)
    )
    drawable = _uncontested(hits, quantities, ledger)
    keep = list(map(drawable.__contains__, map(_KEY, hits)))
    positions, hits, quantities = (
        list(compress(column, keep)) for column in (positions, hits, quantities)
    )
    subset = list(map(lines.__getitem__, positions))
    # tuple.__new__ builds the named tuples in C; every field is given, in declaration order.
    line_keys = list(
        map(
            tuple.__new__,
            repeat(LineKey),
            zip(map(_DECLNO, subset), map(_ITEMNO, subset), strict=True),
        )
    )
    item_keys = list(map(_KEY, hits))
    ledger.record(
        map(tuple.__new__, repeat(Drawdown), zip(item_keys, line_keys, quantities, strict=True))
    )
    fields = zip(
        line_keys,
        repeat(Outcome.AUTO_MATCHED),
        repeat(EXACT),
        item_keys,
        quantities,
        repeat(None),
        repeat(()),
    )
    deque(map(decisions.__setitem__, positions, map(tuple.__new__, repeat(Decision), fields)), 0)
    return decisions


def _cited_items(lines: Sequence[DeclarationLine], index: ItemIndex) -> list[IndexedItem | None]:
    """The item each line cites, or None: every distinct number is normalised once."""
    numbers = list(map(_CITED_NO, lines))
    normalised = {raw: certificate_key(raw) for raw in set(numbers) if raw}
    # Plain (number, item) tuples hash and compare equal to the ItemKey named tuples.
    keys = cast(
        "Iterator[ItemKey]", zip(map(normalised.get, numbers), map(_CITED_ITEM, lines), strict=True)
    )
    return list(map(index.by_key.get, keys))


def _factors(lines: Sequence[DeclarationLine], items: Sequence[IndexedItem]) -> list[Decimal]:
    """DOC_UM to the item's unit, once per distinct pair; 0 where they do not convert, so the
    line fails the quantity rule and the per-line path tries the statistical unit."""
    pairs = list(zip(map(_DOC_UNIT, lines), map(_UNIT, items), strict=True))
    table = {pair: _factor(*pair) for pair in set(pairs)}
    return list(map(table.__getitem__, pairs))


def _factor(doc_unit: str, unit_code: str | None) -> Decimal:
    factor = None if unit_code is None else conversion_factor(doc_unit, unit_code)
    return _ZERO if factor is None else factor


def _rules(
    lines: Sequence[DeclarationLine],
    items: Sequence[IndexedItem],
    quantities: Sequence[Decimal],
) -> list[Iterator[object]]:
    """One column of truth values per rule, in the order of ``Check``."""
    models = {raw: model_key(raw) for raw in set(map(_MODEL, lines))}
    texts = list(zip(map(_DESCRIPTION, lines), map(_SPEC, lines), strict=True))
    text_keys = {pair: exact_text(*pair) for pair in set(texts)}
    days = list(map(_DAY, lines))
    same_model = map(eq, map(models.__getitem__, map(_MODEL, lines)), map(_EXACT_MODEL, items))
    same_text = map(eq, map(text_keys.__getitem__, texts), map(_EXACT_TEXT, items))
    return [
        map(eq, map(_BAN, lines), map(_ITEM_BAN, items)),
        map(str.startswith, map(_CCC, lines), map(_PREFIX, items)),
        map(gt, quantities, repeat(_ZERO)),
        map(or_, same_model, same_text),
        map(le, map(_ITEM_FROM, items), days),
        map(le, days, map(_ITEM_UNTIL, items)),
    ]


def _uncontested(
    items: Sequence[IndexedItem], quantities: Sequence[Decimal], ledger: RunningLedger
) -> set[ItemKey]:
    """Items whose balance covers every line citing them; their balance is taken at once."""
    demand: dict[ItemKey, Decimal] = {}
    by_key: dict[ItemKey, IndexedItem] = {}
    for item, quantity in zip(items, quantities, strict=True):
        key = item.key
        demand[key] = demand.get(key, _ZERO) + quantity
        by_key[key] = item
    drawable = {key for key, total in demand.items() if total <= ledger.available(by_key[key])}
    for key in drawable:
        ledger.take(by_key[key], demand[key])
    return drawable
