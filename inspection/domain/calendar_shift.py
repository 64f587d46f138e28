"""Calendar arithmetic in whole months and years, clamping to the month's last day.

31 August minus six months is 28 (or 29) February, not 3 March; 29 February plus one year is
28 February. Validity periods and reminders are counted this way.
"""

from __future__ import annotations

import calendar
from datetime import date

__all__ = ["shift_months", "shift_years"]


def shift_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative: back), clamped to the target month's length."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def shift_years(day: date, years: int) -> date:
    """``day`` moved by ``years``; 29 February lands on 28 February in common years."""
    return shift_months(day, 12 * years)
