"""The in-memory view of item balances that one batch draws down.

The caller reads the balances (under lock) into a mapping, the engine draws against it in
declaration order and returns the drawdowns, and the caller persists them atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from tax_exemption.domain.matching.index import IndexedItem
from tax_exemption.domain.matching.outcomes import Drawdown
from tax_exemption.domain.matching.records import ItemKey, LineKey

__all__ = ["LedgerView", "RunningLedger"]

LedgerView = Mapping[ItemKey, Decimal]


class RunningLedger:
    """Balances as the batch proceeds; an item absent from the view starts at its own balance.

    Balances are kept per ``IndexedItem`` (one object per item in a batch's index): its
    identity hash spares hashing a key tuple each time, and a candidate's balance is asked for
    again and again. ``balances`` gives those drawn on by item key.
    """

    __slots__ = ("_drawn", "_left", "_view", "drawdowns")

    def __init__(self, view: LedgerView) -> None:
        self._view = view
        self._left: dict[IndexedItem, Decimal] = {}
        # The items drawn on, in the order of their first drawdown (a dict keeps that order).
        self._drawn: dict[IndexedItem, None] = {}
        self.drawdowns: list[Drawdown] = []

    @property
    def balances(self) -> dict[ItemKey, Decimal]:
        """The balance left on every item the batch drew on."""
        left = self._left
        return {indexed.key: left[indexed] for indexed in self._drawn}

    def available(self, indexed: IndexedItem) -> Decimal:
        left = self._left.get(indexed)
        if left is None:
            left = self._view.get(indexed.key)
            if left is None:
                left = indexed.item.balance
            self._left[indexed] = left
        return left

    def draw(self, indexed: IndexedItem, line: LineKey, quantity: Decimal) -> None:
        """One line takes ``quantity`` from the item."""
        self.take(indexed, quantity)
        self.drawdowns.append(Drawdown(indexed.key, line, quantity))

    def take(self, indexed: IndexedItem, total: Decimal) -> None:
        """Lower the balance by ``total``; the drawdowns behind it are recorded separately."""
        left = self._left.get(indexed)
        self._left[indexed] = (self.available(indexed) if left is None else left) - total
        self._drawn[indexed] = None

    def record(self, drawdowns: Iterable[Drawdown]) -> None:
        self.drawdowns.extend(drawdowns)
