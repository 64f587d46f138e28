"""Use cases of CNS mark certificates: register (issue), officers' actions, reads, search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.errors import Conflict, NotFound, UnprocessableContent
from common.pagination import split_page
from inspection.certificates.schemas import StatusEventOut
from inspection.cns_marks import repository
from inspection.cns_marks.repository import SearchFilters
from inspection.cns_marks.schemas import CnsMarkIn, CnsMarkOut, CnsMarkPage, CnsMarkSummary
from inspection.domain.identifiers import (
    InvalidIdentifier,
    parse_cns_mark_number,
    parse_cns_standard,
)
from inspection.domain.signed_status import SubjectKind
from inspection.domain.status import CertificateAction, status_at
from inspection.ledger import service as ledger
from inspection.ledger.repository import parse_events
from inspection.ledger.tables import CNS_MARKS
from inspection.public_checks.subjects import Subject


def _parsed(parse: Callable[[str], str], raw: str) -> str:
    try:
        return parse(raw)
    except InvalidIdentifier as error:
        raise UnprocessableContent(str(error)) from None


def mark_number(raw: str) -> str:
    return _parsed(parse_cns_mark_number, raw)


def standard_number(raw: str) -> str:
    return _parsed(parse_cns_standard, raw)


async def register(
    session: AsyncSession, body: CnsMarkIn, now: datetime, audit: RequestAudit
) -> tuple[CnsMarkOut, list[Subject]]:
    number = mark_number(body.number)
    if await repository.with_events(session, number) is not None:
        raise Conflict(f"CNS mark certificate {number} is already registered")
    action = ledger.OfficerAction(CertificateAction.ISSUE, "", body.valid_from, body.valid_until)
    event = ledger.decided([], action, now, audit.principal.audit_name)
    values = body.model_dump(exclude={"valid_from", "valid_until"})
    values |= {"number": number, "cns_standard": standard_number(body.cns_standard)}
    subject_id = await repository.insert_mark(session, values)
    await ledger.record_event(
        session, CNS_MARKS, subject_id, event=event, audit=audit, record_id=number
    )
    return await get(session, number, now), [(SubjectKind.CNS_MARK, number)]


async def act(
    session: AsyncSession,
    number: str,
    request: ledger.OfficerAction,
    now: datetime,
    audit: RequestAudit,
) -> tuple[CnsMarkOut, list[Subject]]:
    normalised = mark_number(number)
    await ledger.act(session, CNS_MARKS, normalised, request=request, now=now, audit=audit)
    return await get(session, normalised, now), [(SubjectKind.CNS_MARK, normalised)]


async def get(session: AsyncSession, number: str, now: datetime) -> CnsMarkOut:
    normalised = mark_number(number)
    row = await repository.with_events(session, normalised)
    if row is None:
        raise NotFound(f"no CNS mark certificate {normalised}")
    events = parse_events(row["events"])
    history = [
        StatusEventOut(
            action=e.action,
            at=e.at,
            reason=e.reason,
            valid_from=e.valid_from,
            valid_until=e.valid_until,
        )
        for e in events
    ]
    summary = summary_of(row, now)
    return CnsMarkOut(
        **summary.model_dump(),
        firm_business_id=row["firm_business_id"],
        factory_address=row["factory_address"],
        history=history,
    )


def summary_of(row: RowMapping, now: datetime) -> CnsMarkSummary:
    state = status_at(parse_events(row["events"]), now)
    return CnsMarkSummary(
        number=row["number"],
        cns_standard=row["cns_standard"],
        product_name=row["product_name"],
        firm_name=row["firm_name"],
        factory_name=row["factory_name"],
        status=state.status,
        valid_from=state.valid_from,
        valid_until=state.valid_until,
    )


def filters_from(
    number: str | None,
    cns_standard: str | None,
    product: str | None,
    firm: str | None,
    factory: str | None,
) -> SearchFilters:
    """Normalised filters; at least one is needed (a public search never lists everything)."""
    given = [value for value in (number, cns_standard, product, firm, factory) if value]
    if not given:
        raise UnprocessableContent(
            "give a certificate number, CNS standard, product, firm or factory"
        )
    return SearchFilters(
        number=mark_number(number) if number else None,
        cns_standard=standard_number(cns_standard) if cns_standard else None,
        product=product.strip() if product else None,
        firm=firm.strip() if firm else None,
        factory=factory.strip() if factory else None,
    )


async def search(
    session: AsyncSession, filters: SearchFilters, cursor: str | None, limit: int, now: datetime
) -> CnsMarkPage:
    rows = await repository.search(session, filters, cursor, limit)
    kept, next_cursor = split_page(rows, limit, lambda row: [row["id"]])
    return CnsMarkPage(items=[summary_of(row, now) for row in kept], next_cursor=next_cursor)
