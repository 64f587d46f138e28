"""The free re-inspection (免費複驗) after a failure notice: one, within 15 days.

商品檢驗法 lets the applicant who disputes a failed inspection ask once, free of charge, for a
re-inspection within 15 days of receiving the failure notice (不合格通知書). Our precise rule:
  * day 0 is the Asia/Taipei calendar date on which the notice was served;
  * counting starts the day after (始日不算入, 行政程序法 art. 48 with 民法 art. 120), so day 1
    is the next Taipei date and the last day is day 15;
  * a request is in time until the end of day 15, i.e. strictly before 00:00 Taipei of day 16;
  * one request only: a second one is refused whether or not it is in time.
Not applied: the extension of a period ending on a Saturday, Sunday or holiday (行政程序法 art.
48 IV). The brief fixes 15 calendar days; an officer may still accept a late request by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from inspection.domain.errors import InvalidTransition, Refusal
from inspection.domain.taipei_time import require_aware, start_of_taipei_day, taipei_date

__all__ = [
    "FREE_REINSPECTIONS",
    "REINSPECTION_PERIOD_DAYS",
    "FailureNotice",
    "check_reinspection_request",
    "reinspection_deadline",
    "reinspection_last_day",
]

REINSPECTION_PERIOD_DAYS = 15
FREE_REINSPECTIONS = 1


@dataclass(frozen=True, slots=True)
class FailureNotice:
    """A failure notice (不合格通知書) and when it was served on the applicant."""

    number: str
    served_at: datetime
    reason: str


def reinspection_last_day(served_at: datetime) -> date:
    """The last Taipei calendar date on which a re-inspection may be requested."""
    return taipei_date(served_at) + timedelta(days=REINSPECTION_PERIOD_DAYS)


def reinspection_deadline(served_at: datetime) -> datetime:
    """The first instant (UTC) at which a request is late: 00:00 Taipei on day 16."""
    return start_of_taipei_day(reinspection_last_day(served_at) + timedelta(days=1))


def check_reinspection_request(notice: FailureNotice, used: int, now: datetime) -> None:
    """Raise InvalidTransition unless a re-inspection may be requested at ``now``."""
    require_aware(now, "now")
    if used >= FREE_REINSPECTIONS:
        raise InvalidTransition(
            Refusal.REINSPECTION_ALREADY_USED,
            "the one free re-inspection for this application has already been requested",
        )
    if now >= reinspection_deadline(notice.served_at):
        last_day = reinspection_last_day(notice.served_at).isoformat()
        raise InvalidTransition(
            Refusal.REINSPECTION_DEADLINE_PASSED,
            f"re-inspection must be requested within {REINSPECTION_PERIOD_DAYS} days of the "
            f"failure notice {notice.number}: the last day was {last_day} (Asia/Taipei)",
        )
