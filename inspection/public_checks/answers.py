"""From stored rows to the answer of a public check (pure: no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import RowMapping

from inspection.domain.metrology_instruments import InstrumentKind
from inspection.domain.metrology_validity import sticker_status
from inspection.domain.status import CertificateState, CertificateStatus, status_at
from inspection.domain.taipei_time import start_of_taipei_day
from inspection.ledger.repository import parse_events

NEVER_VALID = CertificateState(CertificateStatus.NOT_YET_VALID, None, None, None)


def ledger_state(row: RowMapping, now: datetime) -> CertificateState:
    return status_at(parse_events(row["events"]), now)


def mark_state(states: Sequence[CertificateState]) -> CertificateState:
    """A mark is valid while any certificate carrying it is; else the latest-ending one speaks."""
    valid = [state for state in states if state.status is CertificateStatus.VALID]
    candidates = valid or list(states)
    if not candidates:
        return NEVER_VALID
    return max(candidates, key=lambda state: state.valid_until or date.min)


def instrument_state(row: RowMapping, now: datetime) -> CertificateState:
    """The verification sticker's state: never verified reads as not yet valid."""
    verified_on: date | None = row["verified_on"]
    if verified_on is None:
        return NEVER_VALID
    status = sticker_status(InstrumentKind(row["kind"]), verified_on, now)
    since = start_of_taipei_day(verified_on) if status is CertificateStatus.VALID else None
    return CertificateState(status, verified_on, row["valid_until"], since)
