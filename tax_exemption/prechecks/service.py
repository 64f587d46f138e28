"""The pre-declaration check: the engine on current balances, with nothing written."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Forbidden
from tax_exemption.declarations.schemas import DeclarationLineIn
from tax_exemption.domain.matching import BatchResult, Decision, ItemKey, match_batch
from tax_exemption.mandates.service import may_act_for
from tax_exemption.matching import records
from tax_exemption.matching.service import item_id_map, load_items
from tax_exemption.prechecks.problems import problems
from tax_exemption.prechecks.schemas import CheckIn, CheckOut, ItemRef, LineVerdict


async def check(session: AsyncSession, principal: Principal, body: CheckIn) -> CheckOut:
    """Only lines of the caller's own firm or its mandating clients may be checked."""
    importers = {line.importer_ban for line in body.lines}
    for ban in importers:
        if not await may_act_for(session, principal, ban):
            raise Forbidden(f"no mandate from importer {ban}")
    rows = [line.model_dump() for line in body.lines]
    # A cited certificate of another firm is, to this caller, one that does not exist: checked
    # against it, a line would tell whose it is and what balance it has left.
    item_rows = [
        row
        for row in await load_items(session, rows, lock=False)
        if row["business_id"] in importers
    ]
    keys = list(item_id_map(item_rows))
    view = {key: row["balance"] for key, row in zip(keys, item_rows, strict=True)}
    lines = [records.declaration_line(row) for row in rows]
    result = match_batch(lines, [records.certificate_item(r) for r in item_rows], view)
    return CheckOut(lines=[_verdict(line, d, result) for line, d in _aligned(body.lines, result)])


def _aligned(
    lines: Sequence[DeclarationLineIn], result: BatchResult
) -> list[tuple[DeclarationLineIn, Decision]]:
    return list(zip(lines, result.decisions, strict=True))


def _verdict(line: DeclarationLineIn, decision: Decision, result: BatchResult) -> LineVerdict:
    item = decision.item
    return LineVerdict(
        declaration_no=line.declaration_no,
        item_no=line.item_no,
        outcome=str(decision.outcome),
        item=None
        if item is None
        else ItemRef(certificate_no=item.certificate_no, item_no=item.item_no),
        quantity=decision.quantity,
        balance_left=_balance(result, item),
        problems=problems(decision),
        explanation=records.explanation_json(decision.explanation, item),
        candidates=[records.candidate_json(c) for c in decision.candidates],
    )


def _balance(result: BatchResult, item: ItemKey | None) -> Decimal | None:
    return None if item is None else result.balances.get(item)
