"""Use cases of filings: draft, read, list, and take a workflow step (``steps.STEPS``)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.auth import Principal, Role
from common.errors import Forbidden, UnprocessableContent
from common.pagination import Page, split_page
from common.pii import FieldCipher
from tax_exemption.agency import ensure_deciding_officer
from tax_exemption.domain.workflow import FilingAction, FilingStatus
from tax_exemption.filings import repository, views
from tax_exemption.filings.access import locked_by, visibility, visible_filing
from tax_exemption.filings.etag import check_if_match, filing_etag
from tax_exemption.filings.outcome import Outcome
from tax_exemption.filings.schemas import (
    Channel,
    FilingFilter,
    FilingIn,
    FilingOut,
    FilingSummary,
)
from tax_exemption.filings.steps import WorkflowStep
from tax_exemption.filings.transitions import allowed, step
from tax_exemption.mandates.service import may_act_for

B = TypeVar("B")


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
    row = await locked_by(session, principal, filing_id, Role.FIRM)
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


async def take(
    audit: RequestAudit,
    cipher: FieldCipher,
    principal: Principal,
    filing_id: int,
    workflow_step: WorkflowStep[B],
    *,
    body: B,
    if_match: str | None = None,
) -> FilingOut:
    """One workflow step: its side's lock, the version, the transition, its writes, the record."""
    session = audit.session
    row = await locked_by(session, principal, filing_id, workflow_step.side)
    check_if_match(if_match, filing_etag(filing_id, row["version"]), required=False)
    allowed(row, workflow_step.action)
    outcome = Outcome()
    if workflow_step.effect is not None:
        outcome = await workflow_step.effect(session, principal, row, body)
    action = outcome.action or workflow_step.action
    row = await step(audit, row, action, values=outcome.values, details=outcome.details)
    return await views.full(session, cipher, row)


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
