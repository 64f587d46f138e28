"""The in-memory ledger a batch draws down: the view is authoritative, only draws count."""

from decimal import Decimal

from tax_exemption.domain.matching import Drawdown, LineKey
from tax_exemption.domain.matching.index import ItemIndex
from tax_exemption.domain.matching.ledger import RunningLedger
from tests.tax_exemption.builders import ITEM, item, key

SECOND = item(item_no=2)


def _indexed() -> tuple[ItemIndex, RunningLedger]:
    index = ItemIndex([ITEM, SECOND])
    return index, RunningLedger({key(ITEM): Decimal(4)})


def test_the_view_wins_over_the_items_own_balance_and_absent_items_start_at_it() -> None:
    index, running = _indexed()
    first, second = index.get(key(ITEM)), index.get(key(SECOND))
    assert first is not None and second is not None
    assert running.available(first) == Decimal(4)
    assert running.available(second) == SECOND.balance


def test_balances_list_only_the_items_drawn_in_the_order_first_drawn() -> None:
    index, running = _indexed()
    first, second = index.get(key(ITEM)), index.get(key(SECOND))
    assert first is not None and second is not None
    running.available(first)  # read, not drawn
    running.draw(second, LineKey("AW1", 1), Decimal("1.5"))
    running.take(first, Decimal(3))
    running.draw(second, LineKey("AW1", 2), Decimal("0.5"))
    assert list(running.balances.items()) == [
        (key(SECOND), SECOND.balance - 2),
        (key(ITEM), Decimal(1)),
    ]
    assert running.drawdowns == [
        Drawdown(key(SECOND), LineKey("AW1", 1), Decimal("1.5")),
        Drawdown(key(SECOND), LineKey("AW1", 2), Decimal("0.5")),
    ]


def test_nothing_read_nothing_listed() -> None:
    index, running = _indexed()
    first = index.get(key(ITEM))
    assert first is not None
    running.available(first)
    assert running.balances == {}
