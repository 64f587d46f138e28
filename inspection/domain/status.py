"""Certificate and mark status at an instant, from status events and validity dates.

A certificate's life is a list of events (issued, reissued, suspended, suspension lifted,
revoked); its status at an instant replays the events up to that instant. "Expired" is never an
event: it is read off the validity dates, which are Asia/Taipei calendar dates, both inclusive.
When several conditions hold, the strongest wins: revoked > suspended > expired > not yet valid
> valid (a suspended certificate that also ran out reads as suspended, so lifting the suspension
is a deliberate step and a reissue cannot jump over it).

Officer actions allowed from each status:
  issue             only before any event
  reissue (換發)    valid or expired: new validity dates
  suspend (暫停)    valid or not yet valid
  lift suspension   suspended
  revoke (廢止)     valid, not yet valid or suspended
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from inspection.domain.errors import InvalidTransition, Refusal
from inspection.domain.taipei_time import require_aware, start_of_taipei_day, taipei_date

__all__ = [
    "ALLOWED_FROM",
    "CertificateAction",
    "CertificateState",
    "CertificateStatus",
    "StatusEvent",
    "decide",
    "history",
    "status_at",
]


class CertificateStatus(StrEnum):
    """What the public check answers."""

    NOT_YET_VALID = "not_yet_valid"
    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"


class CertificateAction(StrEnum):
    """An officer's action on a certificate; each becomes one status event."""

    ISSUE = "issue"
    REISSUE = "reissue"
    SUSPEND = "suspend"
    LIFT_SUSPENSION = "lift_suspension"
    REVOKE = "revoke"


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """One audited step in a certificate's history."""

    action: CertificateAction
    at: datetime
    actor: str
    reason: str = ""
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class CertificateState:
    """The status at an instant, the validity dates in force and since when the status holds."""

    status: CertificateStatus
    valid_from: date | None
    valid_until: date | None
    since: datetime | None


ALLOWED_FROM: dict[CertificateAction, frozenset[CertificateStatus]] = {
    CertificateAction.ISSUE: frozenset(),  # only when there are no events at all
    CertificateAction.REISSUE: frozenset({CertificateStatus.VALID, CertificateStatus.EXPIRED}),
    CertificateAction.SUSPEND: frozenset(
        {CertificateStatus.VALID, CertificateStatus.NOT_YET_VALID}
    ),
    CertificateAction.LIFT_SUSPENSION: frozenset({CertificateStatus.SUSPENDED}),
    CertificateAction.REVOKE: frozenset(
        {CertificateStatus.VALID, CertificateStatus.NOT_YET_VALID, CertificateStatus.SUSPENDED}
    ),
}


def history(events: Iterable[StatusEvent]) -> list[StatusEvent]:
    """The events in time order (stable for equal instants: recording order wins)."""
    return sorted(events, key=lambda event: event.at)


@dataclass
class _Replay:
    valid_from: date | None = None
    valid_until: date | None = None
    in_force_since: datetime | None = None
    suspended_at: datetime | None = None
    revoked_at: datetime | None = None

    def apply(self, event: StatusEvent) -> None:
        if event.action in (CertificateAction.ISSUE, CertificateAction.REISSUE):
            self.valid_from, self.valid_until = event.valid_from, event.valid_until
            self.in_force_since = event.at
        elif event.action is CertificateAction.SUSPEND:
            self.suspended_at = event.at
        elif event.action is CertificateAction.LIFT_SUSPENSION:
            self.suspended_at, self.in_force_since = None, event.at
        else:
            self.revoked_at = event.at


def status_at(events: Sequence[StatusEvent], at: datetime) -> CertificateState:
    """The certificate's state at ``at``, replaying only the events up to that instant."""
    require_aware(at, "at")
    replay = _Replay()
    for event in history(events):
        if event.at <= at:
            replay.apply(event)
    return _state(replay, at)


def _state(replay: _Replay, at: datetime) -> CertificateState:
    start, end = replay.valid_from, replay.valid_until
    today = taipei_date(at)
    status, since = CertificateStatus.VALID, replay.in_force_since
    if start is None or end is None:
        status, since = CertificateStatus.NOT_YET_VALID, None
    elif replay.revoked_at is not None:
        status, since = CertificateStatus.REVOKED, replay.revoked_at
    elif replay.suspended_at is not None:
        status, since = CertificateStatus.SUSPENDED, replay.suspended_at
    elif today > end:
        status, since = CertificateStatus.EXPIRED, start_of_taipei_day(end + timedelta(days=1))
    elif today < start:
        status = CertificateStatus.NOT_YET_VALID
    elif since is not None:
        since = max(since, start_of_taipei_day(start))
    return CertificateState(status, start, end, since)


def decide(
    events: Sequence[StatusEvent],
    action: CertificateAction,
    at: datetime,
    *,
    actor: str,
    reason: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> StatusEvent:
    """The event an officer's action appends; InvalidTransition when the status forbids it."""
    require_aware(at, "at")
    ordered = history(events)
    if ordered and at < ordered[-1].at:
        raise ValueError("a new status event cannot precede the last recorded one")
    _check_allowed(ordered, action, at)
    _check_payload(action, reason, valid_from, valid_until)
    return StatusEvent(action, at, actor, reason.strip(), valid_from, valid_until)


def _check_allowed(events: Sequence[StatusEvent], action: CertificateAction, at: datetime) -> None:
    if not events:
        if action is CertificateAction.ISSUE:
            return
        raise InvalidTransition(
            Refusal.CERTIFICATE_ACTION_NOT_ALLOWED, f"cannot {action.value}: never issued"
        )
    current = status_at(events, at).status
    if current not in ALLOWED_FROM[action]:
        raise InvalidTransition(
            Refusal.CERTIFICATE_ACTION_NOT_ALLOWED,
            f"cannot {action.value} a certificate that is {current.value}",
        )


def _check_payload(
    action: CertificateAction, reason: str, valid_from: date | None, valid_until: date | None
) -> None:
    dated = action in (CertificateAction.ISSUE, CertificateAction.REISSUE)
    if dated and (valid_from is None or valid_until is None or valid_from > valid_until):
        raise ValueError(f"{action.value} needs valid_from <= valid_until")
    if not dated and (valid_from is not None or valid_until is not None):
        raise ValueError(f"{action.value} does not change validity dates")
    needs_reason = action in (CertificateAction.SUSPEND, CertificateAction.REVOKE)
    if needs_reason and not reason.strip():
        raise InvalidTransition(Refusal.REASON_REQUIRED, f"{action.value} needs a reason")
