"""The one free re-inspection within 15 days: boundaries in Taipei time and the "one"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from inspection.domain.errors import InvalidTransition, Refusal
from inspection.domain.reinspection import (
    FailureNotice,
    check_reinspection_request,
    reinspection_deadline,
    reinspection_last_day,
)
from inspection.domain.schemes import Scheme
from inspection.domain.stages import ActorRole, Stage
from inspection.domain.workflow import (
    Accept,
    Action,
    Application,
    Fail,
    Pass,
    RequestReinspection,
    StartSampling,
    StartTesting,
    Submit,
    required_documents,
    transition,
)

TAIPEI = timezone(timedelta(hours=8))
LOS_ANGELES_PDT = timezone(timedelta(hours=-7))
# Served 2025-03-03 10:00 in Taipei: day 1 is 03-04, day 15 is 03-18.
SERVED = datetime(2025, 3, 3, 10, 0, tzinfo=TAIPEI)
NOTICE = FailureNotice("N-114-0001", SERVED, "標示不符")
LAST_MOMENT = datetime(2025, 3, 18, 23, 59, 59, 999999, tzinfo=TAIPEI)
DAY_16 = datetime(2025, 3, 19, 0, 0, tzinfo=TAIPEI)


def test_the_last_day_is_day_15_counted_from_the_day_after_service() -> None:
    assert reinspection_last_day(SERVED) == date(2025, 3, 18)
    assert reinspection_deadline(SERVED) == datetime(2025, 3, 18, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "now",
    [
        SERVED,
        datetime(2025, 3, 18, 23, 59, tzinfo=TAIPEI),
        LAST_MOMENT,
        datetime(2025, 3, 18, 15, 59, 59, tzinfo=UTC),
        datetime(2025, 3, 18, 8, 59, 59, tzinfo=LOS_ANGELES_PDT),
    ],
)
def test_requests_until_the_end_of_day_15_in_taipei_are_in_time(now: datetime) -> None:
    check_reinspection_request(NOTICE, 0, now)


@pytest.mark.parametrize(
    "now",
    [
        DAY_16,
        datetime(2025, 3, 18, 16, 0, tzinfo=UTC),
        datetime(2025, 3, 18, 9, 0, tzinfo=LOS_ANGELES_PDT),
        datetime(2025, 4, 1, tzinfo=TAIPEI),
    ],
)
def test_a_request_from_00_00_taipei_on_day_16_is_late(now: datetime) -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_reinspection_request(NOTICE, 0, now)
    assert caught.value.code is Refusal.REINSPECTION_DEADLINE_PASSED
    assert "2025-03-18" in caught.value.reason and "15 days" in caught.value.reason


@pytest.mark.parametrize(
    ("served", "last_day"),
    [
        # 16:30 UTC on 03-02 is already 00:30 on 03-03 in Taipei: day 0 is the Taipei date.
        (datetime(2025, 3, 2, 16, 30, tzinfo=UTC), date(2025, 3, 18)),
        (datetime(2025, 3, 3, 15, 59, tzinfo=UTC), date(2025, 3, 18)),
        (datetime(2025, 3, 3, 16, 0, tzinfo=UTC), date(2025, 3, 19)),
        (datetime(2024, 2, 20, 9, 0, tzinfo=TAIPEI), date(2024, 3, 6)),  # leap February
        (datetime(2025, 12, 20, 9, 0, tzinfo=TAIPEI), date(2026, 1, 4)),
    ],
)
def test_day_zero_is_the_taipei_date_of_service(served: datetime, last_day: date) -> None:
    assert reinspection_last_day(served) == last_day


def test_a_second_request_is_refused_even_in_time() -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_reinspection_request(NOTICE, 1, SERVED + timedelta(days=1))
    assert caught.value.code is Refusal.REINSPECTION_ALREADY_USED
    assert "one free re-inspection" in caught.value.reason


def test_naive_now_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check_reinspection_request(NOTICE, 0, datetime(2025, 3, 5, 12, 0))


def failed_batch() -> Application:
    app = Application(Scheme.BATCH)
    app = Application(Scheme.BATCH, documents=required_documents(app))
    steps: list[tuple[Action, ActorRole]] = [
        (Submit(), ActorRole.FIRM),
        (Accept(), ActorRole.OFFICER),
        (StartSampling(), ActorRole.OFFICER),
        (StartTesting(), ActorRole.OFFICER),
        (Fail("N-114-0001", SERVED, "標示不符"), ActorRole.OFFICER),
    ]
    for action, role in steps:
        app = transition(app, action, role, SERVED)
    return app


def test_workflow_grants_one_reinspection_on_day_15_and_refuses_the_second() -> None:
    failed = failed_batch()
    again = transition(failed, RequestReinspection(), ActorRole.FIRM, LAST_MOMENT)
    assert (again.stage, again.reinspections_used) == (Stage.ACCEPTED, 1)
    retested = again
    for action in (StartSampling(), StartTesting()):
        retested = transition(retested, action, ActorRole.OFFICER, LAST_MOMENT)
    refailed = transition(
        retested, Fail("N-114-0002", LAST_MOMENT, "標示不符"), ActorRole.OFFICER, LAST_MOMENT
    )
    with pytest.raises(InvalidTransition) as caught:
        transition(refailed, RequestReinspection(), ActorRole.FIRM, LAST_MOMENT)
    assert caught.value.code is Refusal.REINSPECTION_ALREADY_USED


def test_workflow_refuses_a_request_on_day_16_and_changes_nothing() -> None:
    failed = failed_batch()
    with pytest.raises(InvalidTransition) as caught:
        transition(failed, RequestReinspection(), ActorRole.FIRM, DAY_16)
    assert caught.value.code is Refusal.REINSPECTION_DEADLINE_PASSED
    assert (failed.stage, failed.reinspections_used) == (Stage.FAILED, 0)


def test_a_reinspection_can_pass() -> None:
    again = transition(failed_batch(), RequestReinspection(), ActorRole.FIRM, SERVED)
    for action in (StartSampling(), StartTesting(), Pass("IC114000009")):
        again = transition(again, action, ActorRole.OFFICER, SERVED)
    assert again.stage is Stage.PASSED


@pytest.mark.parametrize("scheme", [Scheme.RPC, Scheme.DOC])
def test_registration_schemes_offer_no_reinspection(scheme: Scheme) -> None:
    app = Application(scheme, stage=Stage.FAILED, failure=NOTICE)
    with pytest.raises(InvalidTransition) as caught:
        transition(app, RequestReinspection(), ActorRole.FIRM, SERVED)
    assert caught.value.code is Refusal.REINSPECTION_NOT_OFFERED
