"""Use cases of the registry: assign marks, issue certificates, officers' status actions, reads.

Each change is audited in the request's transaction and returns the public-check subjects it
affects, which the endpoint forgets from the cache once the change has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.auth import Principal, ensure_same_business
from common.errors import Conflict, NotFound, UnprocessableContent
from common.pii import FieldCipher
from inspection.certificates import repository
from inspection.certificates.schemas import (
    CertificateIn,
    CertificateOut,
    ContactOut,
    SafetyMarkIn,
    SafetyMarkOut,
    StatusEventOut,
)
from inspection.domain.identifiers import (
    CertificateKind,
    InvalidIdentifier,
    format_certificate_number,
    parse_certificate_number,
    parse_mark_id,
    roc_year,
)
from inspection.domain.signed_status import SubjectKind
from inspection.domain.status import CertificateAction, status_at
from inspection.domain.taipei_time import taipei_date
from inspection.ledger import service as ledger
from inspection.ledger.repository import parse_events
from inspection.ledger.tables import CERTIFICATES
from inspection.public_checks.subjects import Subject

TABLE = "certificate"


def _identifier(parse: Callable[[str], object], raw: str) -> str:
    try:
        return str(parse(raw))
    except InvalidIdentifier as error:
        raise UnprocessableContent(str(error)) from None


def certificate_number(raw: str) -> str:
    return _identifier(parse_certificate_number, raw)


async def register_mark(
    session: AsyncSession, body: SafetyMarkIn, audit: RequestAudit
) -> SafetyMarkOut:
    mark = _identifier(parse_mark_id, body.mark_id)
    if await repository.get_mark(session, mark) is not None:
        raise Conflict(f"mark ID {mark} is already assigned")
    values = {
        "mark_id": mark,
        "series": mark[0],
        "holder_business_id": body.holder_business_id,
        "holder_name": body.holder_name.strip(),
    }
    await repository.insert_mark(session, values)
    await audit.record(
        "safety_mark.assign", "safety_mark", mark, details={"holder": values["holder_business_id"]}
    )
    return SafetyMarkOut(**values)


async def _checked_mark(session: AsyncSession, body: CertificateIn) -> str | None:
    if body.mark_id is None:
        return None
    mark = _identifier(parse_mark_id, body.mark_id)
    row = await repository.get_mark(session, mark)
    if row is None:
        raise UnprocessableContent(f"mark ID {mark} is not assigned; assign it first")
    if row["holder_business_id"] != body.holder_business_id:
        raise UnprocessableContent(f"mark ID {mark} belongs to another holder")
    return mark


async def issue(
    session: AsyncSession,
    cipher: FieldCipher,
    body: CertificateIn,
    *,
    now: datetime,
    audit: RequestAudit,
    number: str | None = None,
) -> tuple[CertificateOut, list[Subject]]:
    """Issue a certificate; ``number`` is assigned unless given (a passed application's)."""
    mark = await _checked_mark(session, body)
    action = ledger.OfficerAction(CertificateAction.ISSUE, "", body.valid_from, body.valid_until)
    event = ledger.decided([], action, now, audit.principal.audit_name)
    number = number or await assign_number(session, body.kind, now)
    certificate_id = await repository.insert_certificate(session, _values(body, number, mark))
    await _store_contact(session, cipher, certificate_id, body)
    await ledger.record_event(
        session, CERTIFICATES, certificate_id, event=event, audit=audit, record_id=number
    )
    return await get(session, number, audit.principal, now), _subjects(number, mark)


async def assign_number(session: AsyncSession, kind: CertificateKind, now: datetime) -> str:
    serial = await repository.next_serial(session)
    return format_certificate_number(kind, roc_year(taipei_date(now)), serial)


def _values(body: CertificateIn, number: str, mark: str | None) -> dict[str, object]:
    return {
        "number": number,
        "kind": body.kind.value,
        "holder_business_id": body.holder_business_id,
        "holder_name": body.holder_name.strip(),
        "product_name": body.product_name.strip(),
        "models": [model.strip() for model in body.models],
        "standards": [standard.strip() for standard in body.standards],
        "mark_id": mark,
    }


async def _store_contact(
    session: AsyncSession, cipher: FieldCipher, certificate_id: int, body: CertificateIn
) -> None:
    if body.contact_name is None and body.contact_phone is None:
        return
    row_key = str(certificate_id)
    encrypted = [
        None
        if value is None
        else cipher.encrypt(value, table=TABLE, column=column, row_key=row_key)
        for column, value in (
            ("contact_name", body.contact_name),
            ("contact_phone", body.contact_phone),
        )
    ]
    await repository.set_contact(session, certificate_id, encrypted[0], encrypted[1])


async def act(
    session: AsyncSession,
    number: str,
    request: ledger.OfficerAction,
    now: datetime,
    audit: RequestAudit,
) -> tuple[CertificateOut, list[Subject]]:
    outcome = await ledger.act(
        session, CERTIFICATES, certificate_number(number), request=request, now=now, audit=audit
    )
    record = outcome.record
    out = await get(session, record["number"], audit.principal, now)
    return out, _subjects(record["number"], record["mark_id"])


async def get(
    session: AsyncSession, number: str, principal: Principal, now: datetime
) -> CertificateOut:
    row = await repository.with_events(session, certificate_number(number))
    if row is None:
        raise NotFound(f"no certificate {number}")
    ensure_same_business(principal, row["holder_business_id"])
    return certificate_out(row, now)


def certificate_out(row: RowMapping, now: datetime) -> CertificateOut:
    events = parse_events(row["events"])
    state = status_at(events, now)
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
    return CertificateOut(
        number=row["number"],
        kind=row["kind"],
        status=state.status,
        holder_business_id=row["holder_business_id"],
        holder_name=row["holder_name"],
        product_name=row["product_name"],
        models=list(row["models"]),
        standards=list(row["standards"]),
        mark_id=row["mark_id"],
        valid_from=state.valid_from,
        valid_until=state.valid_until,
        history=history,
    )


async def read_contact(
    session: AsyncSession, cipher: FieldCipher, number: str, audit: RequestAudit
) -> ContactOut:
    normalised = certificate_number(number)
    row = await repository.contact_of(session, normalised)
    if row is None:
        raise NotFound(f"no certificate {normalised}")
    row_key = str(row["id"])

    def plain(column: str) -> str | None:
        blob = row[column]
        return (
            None
            if blob is None
            else cipher.decrypt(blob, table=TABLE, column=column, row_key=row_key)
        )

    await audit.record("certificate.contact.read", TABLE, normalised)
    return ContactOut(contact_name=plain("contact_name"), contact_phone=plain("contact_phone"))


def _subjects(number: str, mark: str | None) -> list[Subject]:
    subjects: list[Subject] = [(SubjectKind.CERTIFICATE, number)]
    if mark is not None:
        subjects.append((SubjectKind.MARK, mark))
    return subjects
