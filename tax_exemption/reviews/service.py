"""Use cases of the review queue: list, confirm a candidate (drawing its balance), refuse."""

from __future__ import annotations

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.auth import Principal, ensure_same_agency
from common.errors import Conflict, NotFound, UnprocessableContent
from common.pagination import Page, split_page
from tax_exemption.declarations.schemas import LineOut
from tax_exemption.domain.matching.quantities import quantity_in
from tax_exemption.domain.units import normalise_unit
from tax_exemption.matching import ledger, records
from tax_exemption.matching.repository import LIVE
from tax_exemption.reviews import repository
from tax_exemption.reviews.schemas import ConfirmIn, RefuseIn


def line_out(row: RowMapping) -> LineOut:
    return LineOut.model_validate({name: row[name] for name in LineOut.model_fields})


async def pending(
    session: AsyncSession, principal: Principal, cursor: str | None, limit: int
) -> Page[LineOut]:
    """The lines of the officer's agency waiting for review."""
    assert principal.agency is not None
    statement = repository.pending_statement(principal.agency, cursor, limit)
    rows = await repository.fetch(session, statement)
    kept, next_cursor = split_page(rows, limit, lambda row: [row["id"]])
    return Page[LineOut](items=[line_out(row) for row in kept], next_cursor=next_cursor)


async def _pending_line(session: AsyncSession, principal: Principal, line_id: int) -> RowMapping:
    """The line locked; 404 when it is unknown or another agency's, 409 when not pending."""
    row = await repository.locked_line(session, line_id)
    if row is None:
        raise NotFound()
    ensure_same_agency(principal, row["agency"])
    if not row["is_current"] or row["review_status"] != repository.PENDING:
        raise Conflict("this line is not waiting for review (settled or superseded)")
    return row


def _chosen(row: RowMapping, body: ConfirmIn) -> tuple[str, int]:
    candidates = [(c["certificate_no"], c["item_no"]) for c in row["candidates"]]
    if body.certificate_no is None or body.item_no is None:
        if not candidates:
            raise UnprocessableContent("the line has no candidate: name the item")
        return candidates[0]
    choice = (body.certificate_no, body.item_no)
    if choice not in candidates:
        raise UnprocessableContent("pick one of the line's candidates")
    return choice


async def confirm(
    session: AsyncSession, audit: RequestAudit, line_id: int, body: ConfirmIn
) -> LineOut:
    row = await _pending_line(session, audit.principal, line_id)
    number, item_no = _chosen(row, body)
    item = await repository.item_by_key(session, row["agency"], number, item_no)
    if item is None or item["status"] not in LIVE or item["business_id"] != row["importer_ban"]:
        raise Conflict("the item is gone, no longer valid, or not the importer's")
    quantity = quantity_in(records.declaration_line(row), normalise_unit(item["unit"]))
    if quantity is None:
        raise Conflict(f"{row['doc_unit']} does not convert to the item's unit {item['unit']}")
    left = await ledger.draw(session, ledger.Draw(item["id"], line_id, quantity))
    if left is None:
        raise Conflict("the item's balance no longer covers this line")
    values = {
        "review_status": "confirmed",
        "reviewed_by": audit.principal.subject,
        "matched_item_id": item["id"],
        "matched_quantity": quantity,
    }
    settled = await repository.settle(session, line_id, values)
    details = {"certificate_no": number, "item_no": item_no, "quantity": str(quantity)}
    await audit.record(
        "declaration_line.review_confirm", "declaration_line", str(line_id), details=details
    )
    return line_out(settled)


async def refuse(
    session: AsyncSession, audit: RequestAudit, line_id: int, body: RefuseIn
) -> LineOut:
    await _pending_line(session, audit.principal, line_id)
    values = {
        "review_status": "refused",
        "reviewed_by": audit.principal.subject,
        "refusal_reason": "officer_refused",
    }
    settled = await repository.settle(session, line_id, values)
    details = {"reason": body.reason}
    await audit.record(
        "declaration_line.review_refuse", "declaration_line", str(line_id), details=details
    )
    return line_out(settled)
