"""The officer's decision on a filing: per item for a duty exemption, whole for a refund standard.

A filing with at least one approved item is approved, one with none rejected.
"""

from __future__ import annotations

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import UnprocessableContent
from tax_exemption.domain.workflow import FilingAction
from tax_exemption.filings import repository
from tax_exemption.filings.outcome import Outcome
from tax_exemption.filings.schemas import DecisionIn, FilingKind

__all__ = ["decide"]


async def decide(
    session: AsyncSession, principal: Principal, row: RowMapping, body: DecisionIn
) -> Outcome:
    if row["kind"] == FilingKind.REFUND_STANDARD:
        approved = _whole_decision(body)
    else:
        approved = await _item_decisions(session, row["id"], body)
    return Outcome(
        action=FilingAction.APPROVE if approved else FilingAction.REJECT,
        values={"decision_reason": body.reason},
        details={"approved_items": approved},
    )


def _whole_decision(body: DecisionIn) -> int:
    if body.approve is None or body.items:
        raise UnprocessableContent("a refund standard is decided as a whole: give approve")
    return 1 if body.approve else 0


async def _item_decisions(session: AsyncSession, filing_id: int, body: DecisionIn) -> int:
    """Record each item's decision; returns how many items were approved."""
    items = {item["item_no"]: item for item in await repository.get_items(session, filing_id)}
    decided = {decision.item_no: decision for decision in body.items}
    if body.approve is not None or set(decided) != set(items) or len(decided) != len(body.items):
        raise UnprocessableContent("decide every item of the filing exactly once")
    for item_no, decision in decided.items():
        quantity = decision.approved_quantity
        if quantity is not None and quantity > items[item_no]["quantity"]:
            raise UnprocessableContent(f"item {item_no}: more approved than applied for")
        await repository.decide_item(
            session,
            filing_id,
            item_no,
            {
                "decision": "rejected" if quantity is None else "approved",
                "approved_quantity": quantity,
                "rejection_reason": decision.rejection_reason,
            },
        )
    return sum(1 for decision in decided.values() if decision.approved_quantity is not None)
