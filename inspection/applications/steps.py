"""The workflow use case: one step of an application, decided by ``domain.workflow``.

The row is locked, the domain decides, and in the same transaction the new state is saved, the
step is recorded as an application event and an audit event, and the applicant's notification
is queued in the outbox. A passed application's certificate enters the registry at once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.auth import Principal
from common.errors import Forbidden, UnprocessableContent
from common.jobs import enqueue
from common.pii import FieldCipher
from common.platform_tables import PlatformTables
from inspection.applications import repository
from inspection.applications.schemas import ActionIn, ApplicationOut
from inspection.applications.service import RECORD, actor_role, owned, read
from inspection.applications.views import domain_application
from inspection.certificates import repository as certificates
from inspection.certificates import service as registry
from inspection.certificates.schemas import CertificateIn
from inspection.domain.calendar_shift import shift_years
from inspection.domain.errors import InvalidTransition
from inspection.domain.identifiers import InvalidIdentifier, MarkId, parse_mark_id
from inspection.domain.schemes import SCHEMES, Scheme
from inspection.domain.stages import ActionKind
from inspection.domain.status import status_at
from inspection.domain.taipei_time import taipei_date
from inspection.domain.workflow import (
    Accept,
    Action,
    Application,
    Fail,
    Pass,
    RequestReinspection,
    Return,
    StartSampling,
    StartTesting,
    Submit,
    TypeApprovalRef,
    Withdraw,
    transition,
)
from inspection.ledger.repository import parse_events
from inspection.public_checks.subjects import Subject
from inspection.web.problems import refusal_problem

TOPIC = "inspection.application.transitioned"
DEFAULT_CERTIFICATE_YEARS = 3
_PLAIN: dict[ActionKind, Action] = {
    ActionKind.SUBMIT: Submit(),
    ActionKind.WITHDRAW: Withdraw(),
    ActionKind.ACCEPT: Accept(),
    ActionKind.START_SAMPLING: StartSampling(),
    ActionKind.START_TESTING: StartTesting(),
    ActionKind.REQUEST_REINSPECTION: RequestReinspection(),
}


async def type_approval(
    session: AsyncSession, number: str | None, now: datetime
) -> TypeApprovalRef | None:
    """The registry's type-approval certificate as the workflow needs it (None if unknown)."""
    row = None if number is None else await certificates.with_events(session, number)
    if row is None:
        return None
    state = status_at(parse_events(row["events"]), now)
    if state.valid_from is None or state.valid_until is None:
        return None
    return TypeApprovalRef(row["number"], state.status, state.valid_from, state.valid_until)


def _mark(raw: str | None) -> MarkId | None:
    try:
        return None if raw is None else parse_mark_id(raw)
    except InvalidIdentifier as error:
        raise UnprocessableContent(str(error)) from None


async def domain_action(
    session: AsyncSession, kind: ActionKind, body: ActionIn, row: RowMapping, now: datetime
) -> Action:
    """The domain action for ``kind``; a pass gets a newly assigned certificate number."""
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind is ActionKind.RETURN:
        return Return(body.reason)
    if kind is ActionKind.NONCONFORMING:
        notice = body.notice_number or f"FN-{row['id']}-{row['reinspections_used'] + 1}"
        return Fail(notice, body.served_at or now, body.reason)
    certificate_kind = SCHEMES[Scheme(row["scheme"])].certificate
    number = await registry.assign_number(session, certificate_kind, now)
    return Pass(number, _mark(body.mark_id))


def _changes(after: Application) -> dict[str, object]:
    failure = after.failure
    return {
        "stage": after.stage.value,
        "certificate_number": after.certificate_number,
        "mark_id": None if after.mark_id is None else str(after.mark_id),
        "failure_notice_number": failure.number if failure else None,
        "failure_served_at": failure.served_at if failure else None,
        "failure_reason": failure.reason if failure else None,
        "reinspections_used": after.reinspections_used,
        "return_reason": after.return_reason,
    }


async def step(
    session: AsyncSession,
    principal: Principal,
    application_id: int,
    *,
    kind: ActionKind,
    body: ActionIn,
    now: datetime,
    audit: RequestAudit,
    cipher: FieldCipher,
    tables: PlatformTables,
) -> tuple[ApplicationOut, str, list[Subject]]:
    row = await owned(session, principal, application_id, lock=True)
    role = actor_role(principal)
    if role is None:
        raise Forbidden("only the applicant firm or an officer acts on an application")
    documents = await repository.documents(session, application_id)
    approval = await type_approval(session, row["type_approval_number"], now)
    before = domain_application(row, documents, approval)
    action = await domain_action(session, kind, body, row, now)
    try:
        after = transition(before, action, role, now)
    except InvalidTransition as error:
        raise refusal_problem(error) from None
    await repository.save(session, application_id, _changes(after))
    subjects = await _issue_if_passed(
        session, cipher=cipher, row=row, after=after, body=body, now=now, audit=audit
    )
    await _record(session, tables, row, kind, changed=(before, after), now=now, audit=audit)
    out, tag = await read(session, principal, application_id)
    return out, tag, subjects


async def _issue_if_passed(
    session: AsyncSession,
    *,
    cipher: FieldCipher,
    row: RowMapping,
    after: Application,
    body: ActionIn,
    now: datetime,
    audit: RequestAudit,
) -> list[Subject]:
    if after.certificate_number is None or row["certificate_number"] is not None:
        return []
    today = taipei_date(now)
    certificate = CertificateIn(
        kind=SCHEMES[after.scheme].certificate,
        holder_business_id=row["business_id"],
        holder_name=row["applicant_name"],
        product_name=row["product_name"],
        mark_id=None if after.mark_id is None else str(after.mark_id),
        valid_from=today,
        valid_until=body.valid_until or _default_until(today),
    )
    _, subjects = await registry.issue(
        session, cipher, certificate, now=now, audit=audit, number=after.certificate_number
    )
    return subjects


def _default_until(today: date) -> date:
    return shift_years(today, DEFAULT_CERTIFICATE_YEARS) - timedelta(days=1)


async def _record(
    session: AsyncSession,
    tables: PlatformTables,
    row: RowMapping,
    kind: ActionKind,
    *,
    changed: tuple[Application, Application],
    now: datetime,
    audit: RequestAudit,
) -> None:
    before, after = changed
    facts = {
        "application_id": row["id"],
        "business_id": row["business_id"],
        "action": kind.value,
        "from_stage": before.stage.value,
        "to_stage": after.stage.value,
    }
    await repository.add_event(
        session,
        {
            "application_id": row["id"],
            "action": kind.value,
            "from_stage": before.stage.value,
            "to_stage": after.stage.value,
            "actor": audit.principal.audit_name,
            "actor_role": str(audit.principal.role),
            "at": now,
            "details": {"certificate_number": after.certificate_number},
        },
    )
    await audit.record(f"application.{kind.value}", RECORD, str(row["id"]), details=facts)
    await enqueue(session, tables, TOPIC, {**facts, "at": now.isoformat()})
