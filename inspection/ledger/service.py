"""Officer actions on a ledgered record: decided by ``domain.status``, appended, audited.

The record row is locked first, so two officers acting at once are serialised and each decision
sees the other's event. Refusals leave nothing behind (the caller's transaction rolls back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.errors import NotFound, UnprocessableContent
from inspection.domain.errors import InvalidTransition
from inspection.domain.status import (
    CertificateAction,
    CertificateState,
    StatusEvent,
    decide,
    status_at,
)
from inspection.ledger import repository
from inspection.ledger.tables import Ledger
from inspection.web.problems import refusal_problem


@dataclass(frozen=True, slots=True)
class OfficerAction:
    action: CertificateAction
    reason: str = ""
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    record: RowMapping
    event: StatusEvent
    state: CertificateState


def decided(
    events: list[StatusEvent], request: OfficerAction, now: datetime, actor: str
) -> StatusEvent:
    """The event the action appends; refusals as problems (409/422)."""
    try:
        return decide(
            events,
            request.action,
            now,
            actor=actor,
            reason=request.reason,
            valid_from=request.valid_from,
            valid_until=request.valid_until,
        )
    except InvalidTransition as error:
        raise refusal_problem(error) from None
    except ValueError as error:
        raise UnprocessableContent(str(error)) from None


async def record_event(
    session: AsyncSession,
    ledger: Ledger,
    subject_id: int,
    *,
    event: StatusEvent,
    audit: RequestAudit,
    record_id: str,
) -> None:
    """Append ``event`` to the record's ledger and audit it, in the caller's transaction."""
    await repository.append(session, ledger, subject_id, event)
    await repository.touch(session, ledger, subject_id, event)
    details = {"reason": event.reason, "valid_from": _iso(event.valid_from)}
    details["valid_until"] = _iso(event.valid_until)
    await audit.record(
        f"{ledger.record_type}.{event.action.value}", ledger.record_type, record_id, details=details
    )


async def act(
    session: AsyncSession,
    ledger: Ledger,
    number: str,
    *,
    request: OfficerAction,
    now: datetime,
    audit: RequestAudit,
) -> Outcome:
    """Apply an officer's action to the record ``number``; 404 if there is none."""
    row = await repository.lock_by_number(session, ledger, number)
    if row is None:
        raise NotFound(f"no {ledger.record_type.replace('_', ' ')} {number}")
    events = repository.parse_events(row["events"])
    event = decided(events, request, now, audit.principal.audit_name)
    await record_event(session, ledger, int(row["id"]), event=event, audit=audit, record_id=number)
    return Outcome(row, event, status_at([*events, event], now))


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
