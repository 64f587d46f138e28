"""Calendar days in Taiwan time: BSMI deadlines and validity dates are dates in Asia/Taipei.

Taiwan has kept UTC+08:00 without daylight saving since 1979, so a fixed offset is exact for
every date this service handles and needs no tz database on the host.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

__all__ = ["TAIPEI", "require_aware", "start_of_taipei_day", "taipei_date"]

TAIPEI = timezone(timedelta(hours=8), "Asia/Taipei")


def require_aware(instant: datetime, name: str = "instant") -> datetime:
    """``instant`` unchanged; ValueError when it is naive (its day in Taipei would be a guess)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return instant


def taipei_date(instant: datetime) -> date:
    """The calendar date in Taipei at ``instant``."""
    return require_aware(instant).astimezone(TAIPEI).date()


def start_of_taipei_day(day: date) -> datetime:
    """00:00 Taipei time on ``day``, as an aware UTC instant."""
    return datetime.combine(day, time.min, tzinfo=TAIPEI).astimezone(UTC)
