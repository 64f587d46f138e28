"""Certificate status at an instant: events, derived expiry, precedence, officer actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from inspection.domain.errors import InvalidTransition, Refusal
from inspection.domain.status import (
    CertificateAction,
    CertificateStatus,
    StatusEvent,
    decide,
    history,
    status_at,
)

TAIPEI = timezone(timedelta(hours=8))
ISSUED_AT = datetime(2025, 1, 2, 9, 0, tzinfo=TAIPEI)
ISSUED = StatusEvent(
    CertificateAction.ISSUE, ISSUED_AT, "officer-1", "", date(2025, 1, 2), date(2027, 1, 1)
)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TAIPEI)


def test_issued_certificate_is_valid_since_issue() -> None:
    state = status_at([ISSUED], at(2025, 6, 1))
    assert state.status is CertificateStatus.VALID
    assert (state.valid_from, state.valid_until, state.since) == (
        date(2025, 1, 2),
        date(2027, 1, 1),
        ISSUED_AT,
    )


def test_expiry_is_derived_from_the_last_day_in_taipei() -> None:
    assert status_at([ISSUED], at(2027, 1, 1, 23, 59)).status is CertificateStatus.VALID
    expired = status_at([ISSUED], datetime(2027, 1, 1, 16, 0, tzinfo=UTC))
    assert expired.status is CertificateStatus.EXPIRED
    assert expired.since == at(2027, 1, 2, 0, 0)


def test_before_issue_or_before_valid_from_it_is_not_yet_valid() -> None:
    assert status_at([ISSUED], at(2025, 1, 1)).status is CertificateStatus.NOT_YET_VALID
    future = StatusEvent(
        CertificateAction.ISSUE, ISSUED_AT, "o", "", date(2025, 2, 1), date(2026, 1, 31)
    )
    assert status_at([future], at(2025, 1, 20)).status is CertificateStatus.NOT_YET_VALID


def test_suspension_shows_immediately_and_lifting_restores_validity() -> None:
    suspend = decide([ISSUED], CertificateAction.SUSPEND, at(2025, 5, 1), actor="o", reason="抽驗")
    events = [ISSUED, suspend]
    assert status_at(events, at(2025, 5, 1)).status is CertificateStatus.SUSPENDED
    assert status_at(events, at(2025, 4, 30)).status is CertificateStatus.VALID  # history replay
    lift = decide(events, CertificateAction.LIFT_SUSPENSION, at(2025, 6, 1), actor="o")
    state = status_at([*events, lift], at(2025, 6, 2))
    assert (state.status, state.since) == (CertificateStatus.VALID, at(2025, 6, 1))


def test_revoked_wins_over_everything_and_suspended_over_expired() -> None:
    suspend = StatusEvent(CertificateAction.SUSPEND, at(2026, 12, 1), "o", "x")
    assert status_at([ISSUED, suspend], at(2027, 6, 1)).status is CertificateStatus.SUSPENDED
    revoke = StatusEvent(CertificateAction.REVOKE, at(2026, 12, 2), "o", "x")
    assert status_at([ISSUED, suspend, revoke], at(2027, 6, 1)).status is (
        CertificateStatus.REVOKED
    )


def test_reissue_sets_new_dates_and_revives_an_expired_certificate() -> None:
    reissue = decide(
        [ISSUED],
        CertificateAction.REISSUE,
        at(2027, 2, 1),
        actor="o",
        valid_from=date(2027, 2, 1),
        valid_until=date(2030, 1, 31),
    )
    state = status_at([ISSUED, reissue], at(2027, 2, 2))
    assert (state.status, state.valid_until) == (CertificateStatus.VALID, date(2030, 1, 31))


@pytest.mark.parametrize(
    ("events", "action", "current"),
    [
        ([], CertificateAction.SUSPEND, "never issued"),
        ([ISSUED], CertificateAction.ISSUE, "valid"),
        ([ISSUED], CertificateAction.LIFT_SUSPENSION, "valid"),
        (
            [ISSUED, StatusEvent(CertificateAction.SUSPEND, at(2025, 3, 1), "o", "x")],
            CertificateAction.REISSUE,
            "suspended",
        ),
        (
            [ISSUED, StatusEvent(CertificateAction.REVOKE, at(2025, 3, 1), "o", "x")],
            CertificateAction.LIFT_SUSPENSION,
            "revoked",
        ),
        (
            [ISSUED, StatusEvent(CertificateAction.REVOKE, at(2025, 3, 1), "o", "x")],
            CertificateAction.REVOKE,
            "revoked",
        ),
    ],
)
def test_officer_actions_allowed_only_from_their_statuses(
    events: list[StatusEvent], action: CertificateAction, current: str
) -> None:
    with pytest.raises(InvalidTransition, match=current) as caught:
        decide(events, action, at(2025, 4, 1), actor="o", reason="r")
    assert caught.value.code is Refusal.CERTIFICATE_ACTION_NOT_ALLOWED


def test_expired_certificates_cannot_be_suspended_or_revoked() -> None:
    for action in (CertificateAction.SUSPEND, CertificateAction.REVOKE):
        with pytest.raises(InvalidTransition, match="expired"):
            decide([ISSUED], action, at(2027, 3, 1), actor="o", reason="r")


def test_suspend_and_revoke_need_a_reason_and_issue_needs_ordered_dates() -> None:
    with pytest.raises(InvalidTransition) as caught:
        decide([ISSUED], CertificateAction.REVOKE, at(2025, 3, 1), actor="o", reason=" ")
    assert caught.value.code is Refusal.REASON_REQUIRED
    with pytest.raises(ValueError, match="valid_from <= valid_until"):
        decide(
            [],
            CertificateAction.ISSUE,
            ISSUED_AT,
            actor="o",
            valid_from=date(2025, 2, 1),
            valid_until=date(2025, 1, 1),
        )


def test_events_cannot_be_back_dated_and_history_is_time_ordered() -> None:
    later = StatusEvent(CertificateAction.SUSPEND, at(2025, 3, 1), "o", "x")
    with pytest.raises(ValueError, match="precede"):
        decide([ISSUED, later], CertificateAction.REVOKE, at(2025, 2, 1), actor="o", reason="r")
    assert history([later, ISSUED]) == [ISSUED, later]
