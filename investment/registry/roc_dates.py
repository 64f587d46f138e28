"""ROC (民國) calendar dates as published: 7-digit YYYMMDD or 13-digit YYYMMDDhhmmss."""

from __future__ import annotations

import datetime as dt

from investment.registry.errors import FieldError

__all__ = ["parse_roc_date"]

_ROC_YEAR_OFFSET = 1911


def parse_roc_date(text: str) -> dt.date | None:
    """0960118 -> 2007-01-18; 1010913000000 -> 2012-09-13; blank -> None; else FieldError."""
    value = text.strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) not in (7, 13):
        raise FieldError(f"ROC date must be 7 (YYYMMDD) or 13 (YYYMMDDhhmmss) digits, got {text!r}")
    if len(value) == 13:
        _check_time(value[7:], text)
    year, month, day = int(value[:3]), int(value[3:5]), int(value[5:7])
    if year == 0:
        raise FieldError(f"ROC year 000 does not exist: {text!r}")
    try:
        return dt.date(year + _ROC_YEAR_OFFSET, month, day)
    except ValueError as exc:
        raise FieldError(f"not a calendar date: {text!r} ({exc})") from None


def _check_time(hhmmss: str, original: str) -> None:
    try:
        dt.time(int(hhmmss[:2]), int(hhmmss[2:4]), int(hhmmss[4:6]))
    except ValueError:
        raise FieldError(f"time part of a 13-digit ROC date is invalid: {original!r}") from None
