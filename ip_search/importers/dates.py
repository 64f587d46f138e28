"""Dates of the TIPO feeds: Gregorian ``YYYY/MM/DD`` (TmarkAppl) and ROC ``YYY.MM.DD`` (gazette).

The ROC (Minguo) calendar counts years from 1912, so ROC year + 1911 is the Gregorian year.
A year of four digits is Gregorian, one to three digits ROC; separators may be ``/``, ``.`` or
``-``, and a compact ``YYYMMDD`` / ``YYYYMMDD`` is accepted too. Anything else is an error, never
a guess.
"""

from __future__ import annotations

import datetime as dt
import re

ROC_OFFSET = 1911
_SEPARATED = re.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,2})")
_COMPACT = re.compile(r"(\d{3,4})(\d{2})(\d{2})")
_EARLIEST = dt.date(1912, 1, 1)


class DateFormatError(ValueError):
    """A date value that is neither a valid Gregorian nor a valid ROC date."""


def roc_to_gregorian_year(roc_year: int) -> int:
    """ROC year 1 is 1912."""
    if roc_year < 1:
        raise DateFormatError(f"ROC year must be at least 1, got {roc_year}")
    return roc_year + ROC_OFFSET


def parse_date(value: str) -> dt.date:
    """Parse a Gregorian or ROC date; raise DateFormatError on anything invalid."""
    text = value.strip()
    match = _SEPARATED.fullmatch(text) or _COMPACT.fullmatch(text)
    if match is None:
        raise DateFormatError(f"not a date: {value!r}")
    year_text, month, day = match.groups()
    year = int(year_text) if len(year_text) == 4 else roc_to_gregorian_year(int(year_text))
    try:
        parsed = dt.date(year, int(month), int(day))
    except ValueError as error:
        raise DateFormatError(f"not a calendar date: {value!r} ({error})") from None
    if parsed < _EARLIEST:
        raise DateFormatError(f"date before the ROC register began: {value!r}")
    return parsed


def to_roc(date: dt.date) -> str:
    """Format as the gazette does: ``110.06.26``."""
    if date < _EARLIEST:
        raise DateFormatError(f"{date} is before ROC year 1")
    return f"{date.year - ROC_OFFSET:03d}.{date.month:02d}.{date.day:02d}"
