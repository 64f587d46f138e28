"""Use cases of filings: draft, submit, review, supplement, decide, withdraw, read, list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.auth import Principal, Role
from common.errors import Forbidden, NotFound, UnprocessableContent
from common.pagination import Page, split_page
from common.pii import FieldCipher
from tax_exemption.agency import ensure_deciding_officer
from tax_exemption.domain.workflow import FilingAction, FilingStatus
from tax_exemption.filings import repository, views
from tax_exemption.filings.access import visibility, visible_filing
from tax_exemption.filings.etag import check_if_match, filing_etag
from tax_exemption.filings.schemas import (
    Channel,
    DecisionIn,
    FilingFilter,
    FilingIn,
    FilingKind,
    FilingOut,
    FilingSummary,
    MessageIn,
)
from tax_exemption.filings.transitions import allowed, step
from tax_exemption.mandates.service import may_act_for


async def create(
    session: AsyncSession,
    audit: RequestAudit,
    cipher: FieldCipher,
    principal: Principal,
    body: FilingIn,
    *,
    agency: str,
) -> FilingOut:
    ensure_deciding_officer(principal, agency)
    business_id, channel = await _applicant(session, principal, body)
    values = {
        **_content(body),
        "kind": body.kind,
        "business_id": business_id,
        "agency": agency,
        "status": FilingStatus.DRAFT,
        "channel": channel,
        "electronic": channel is Channel.ONLINE and all(a.electronic for a in body.attachments),
        "created_by": principal.subject,
    }
    values["agent_business_id"] = (
        principal.business_id if principal.business_id not in (None, business_id) else None
    )
    filing_id = await repository.insert_filing(session, values)
    row = await _store_contact_and_items(session, cipher, filing_id, body)
    await audit.record(
        "filing.create",
        "filing",
        str(filing_id),
        details={"kind": str(body.kind), "personal_data": "contact"},
    )
    return await views.full(session, cipher, row)


async def _applicant(
    session: AsyncSession, principal: Principal, body: FilingIn
) -> tuple[str, Channel]:
    """Firms file online for themselves or a mandating client; officers register paper ones."""
    if principal.role is Role.OFFICER:
        if body.business_id is None:
            raise UnprocessableContent("name the applicant's business_id for a counter filing")
        return body.business_id, Channel.COUNTER
    business_id = body.business_id or principal.business_id
    assert business_id is not None
    if not await may_act_for(session, principal, business_id):
        raise Forbidden("no live mandate from this firm")
    return business_id, Channel.ONLINE


def _content(body: FilingIn) -> dict[str, Any]:
    return {
        "purpose": body.purpose,
        "attachments": [a.model_dump(mode="json") for a in body.attachments],
        "refund_products": [p.model_dump(mode="json") for p in body.refund_products],
    }


async def _store_contact_and_items(
    session: AsyncSession, cipher: FieldCipher, filing_id: int, body: FilingIn
) -> RowMapping:
    contact = body.contact
    encrypted = views.encrypt_contact(cipher, filing_id, contact.name, contact.phone, contact.email)
    await repository.delete_items(session, filing_id)
    await repository.insert_items(session, filing_id, [item.model_dump() for item in body.items])
    return await repository.update_filing(session, filing_id, encrypted)


async def read(
    session: AsyncSession,
    audit: RequestAudit,
    cipher: FieldCipher,
    principal: Principal,
    filing_id: int,
) -> FilingOut:
    row = await visible_filing(session, principal, filing_id)
    # The contact person is personal data: every read leaves a trace.
    await audit.record(
        "filing.read", "filing", str(filing_id), details={"personal_data": "contact"}
    )
    return await views.full(session, cipher, row)


async def replace_draft(
    session: AsyncSession,
    audit: RequestAudit,
    cipher: FieldCipher,
    principal: Principal,
    filing_id: int,
    *,
    if_match: str | None,
    body: FilingIn,
) -> FilingOut:
    row = await _own_locked(session, principal, filing_id)
    check_if_match(if_match, filing_etag(filing_id, row["version"]), required=True)
    if row["status"] != FilingStatus.DRAFT:
        allowed(row, FilingAction.SUBMIT)  # raises the 409 naming the status
    if body.kind != row["kind"] or (body.business_id or row["business_id"]) != row["business_id"]:
        raise UnprocessableContent("a draft keeps its kind and applicant")
    await repository.update_filing(session, filing_id, _content(body))
    row = await _store_contact_and_items(session, cipher, filing_id, body)
    await audit.record(
        "filing.update", "filing", str(filing_id), details={"version": row["version"]}
    )
    return await views.full(session, cipher, row)


async def _own_locked(session: AsyncSession, principal: Principal, filing_id: int) -> RowMapping:
    """The filing locked for a change by its applicant side (officers get 404 from here)."""
    if principal.role is not Role.FIRM:
        raise NotFound()
    return await visible_filing(session, principal, filing_id, lock=True)


async def _officer_locked(
    session: AsyncSession, principal: Principal, filing_id: int
) -> RowMapping:
    if principal.role is not Role.OFFICER:
        raise NotFound()
    return await visible_filing(session, principal, filing_id, lock=True)


async def act(
    session: AsyncSession,
    audit: RequestAudit,
    cipher: FieldCipher,
    principal: Principal,
    filing_id: int,
    *,
    action: FilingAction,
    if_match: str | None = None,
) -> FilingOut:
    """Steps with no body: submit, withdraw (applicant side), start_review (officer)."""
    if action is FilingAction.START_REVIEW:
        row = await _officer_locked(session, principal, filing_id)
    else:
        row = await _own_locked(session, principal, filing_id)
    check_if_match(if_match, filing_etag(filing_id, row["version"]), required=False)
    return await views.full(session, cipher, await step(audit, row, action))


async def request_supplement(
    session: AsyncSession,
    audit: RequestAudit,
    cipher: FieldCipher,
    principal: Principal,
    filing_id: int,
    *,
    body: MessageIn,
) -> FilingOut:
    row = await _officer_locked(session, principal, filing_id)
    allowed(row, FilingAction.REQUEST_SUPPLEMENT)
    supplement_id = await repository.insert_supplement(
        session, filing_id, body.message, principal.subject
    )
    row = await step(
        audit, row, FilingAction.REQUEST_SUPPLEMENT, details={"supplement_id": supplement_id}
    )
    return await views.full(session, cipher, row)


async def answer_supplement(
    session: AsyncSession,
    audit: RequestAudit,
    cipher: FieldCipher,
    principal: Principal,
    filing_id: int,
    *,
    body: MessageIn,
) -> FilingOut:
    row = await _own_locked(session, principal, filing_id)
    allowed(row, FilingAction.ANSWER_SUPPLEMENT)
    supplement_id = await repository.answer_open_supplement(
        session, filing_id, body.message, principal.subject
    )
    row = await step(
        audit, row, FilingAction.ANSWER_SUPPLEMENT, details={"supplement_id": supplement_id}
    )
    return await views.full(session, cipher, row)


async def decide(
    session: AsyncSession,
    audit: RequestAudit,
    cipher: FieldCipher,
    principal: Principal,
    filing_id: int,
    *,
    body: DecisionIn,
) -> FilingOut:
    row = await _officer_locked(session, principal, filing_id)
    allowed(row, FilingAction.APPROVE)
    if row["kind"] == FilingKind.REFUND_STANDARD:
        approved = _whole_decision(body)
    else:
        approved = await _item_decisions(session, filing_id, body)
    action = FilingAction.APPROVE if approved else FilingAction.REJECT
    values = {"decision_reason": body.reason}
    details = {"approved_items": approved}
    row = await step(audit, row, action, values=values, details=details)
    return await views.full(session, cipher, row)


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


async def list_filings(
    session: AsyncSession,
    principal: Principal,
    params: FilingFilter,
    cursor: str | None,
    limit: int,
) -> Page[FilingSummary]:
    statement = repository.list_statement(visibility(principal), params, cursor, limit)
    rows = await repository.list_filings(session, statement)
    kept, next_cursor = split_page(rows, limit, lambda row: [row["id"]])
    return Page[FilingSummary](items=[views.summary(row) for row in kept], next_cursor=next_cursor)
