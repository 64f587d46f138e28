"""ROC and Gregorian dates of the TIPO feeds."""

from __future__ import annotations

import datetime as dt

import pytest

from ip_search.importers import DateFormatError, parse_date, to_roc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("110.06.26", dt.date(2021, 6, 26)),
        ("109.12.15", dt.date(2020, 12, 15)),
        ("40.02.27", dt.date(1951, 2, 27)),
        ("1110316", dt.date(2022, 3, 16)),
        ("1951/02/27", dt.date(1951, 2, 27)),
        ("2022/3/27", dt.date(2022, 3, 27)),
        ("20110103", dt.date(2011, 1, 3)),
        (" 110/06/26\u3000", dt.date(2021, 6, 26)),
    ],
)
def test_parses_roc_and_gregorian(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("110.13.01", "not a calendar date"),
        ("110.02.30", "not a calendar date"),
        ("0.01.01", "ROC year must be at least 1"),
        ("1900/01/01", "before the ROC register began"),
        ("110-06", "not a date"),
        ("民國110年", "not a date"),
        ("", "not a date"),
    ],
)
def test_rejects_invalid_dates(text: str, message: str) -> None:
    with pytest.raises(DateFormatError, match=message):
        parse_date(text)


def test_round_trips_to_roc() -> None:
    assert to_roc(dt.date(2021, 6, 26)) == "110.06.26"
    assert parse_date(to_roc(dt.date(1912, 1, 1))) == dt.date(1912, 1, 1)
    with pytest.raises(DateFormatError):
        to_roc(dt.date(1911, 12, 31))
