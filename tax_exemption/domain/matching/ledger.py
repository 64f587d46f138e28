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
    """Balances as the batch proceeds; an item absent from the view starts at its own balance."""

    __slots__ = ("_view", "balances", "drawdowns")

    def __init__(self, view: LedgerView) -> None:
        self._view = view
        self.balances: dict[ItemKey, Decimal] = {}
        self.drawdowns: list[Drawdown] = []

    def available(self, indexed: IndexedItem) -> Decimal:
        key = indexed.key
        balance = self.balances.get(key)
        if balance is None:
            balance = self._view.get(key, indexed.item.balance)
        return balance

    def draw(self, indexed: IndexedItem, line: LineKey, quantity: Decimal) -> None:
        """One line takes ``quantity`` from the item."""
        self.take(indexed, quantity)
        self.drawdowns.append(Drawdown(indexed.key, line, quantity))

    def take(self, indexed: IndexedItem, total: Decimal) -> None:
        """Lower the balance by ``total``; the drawdowns behind it are recorded separately."""
        self.balances[indexed.key] = self.available(indexed) - total

    def record(self, drawdowns: Iterable[Drawdown]) -> None:
        self.drawdowns.extend(drawdowns)
