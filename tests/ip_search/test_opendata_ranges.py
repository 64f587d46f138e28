"""Range selection and Accept negotiation: pure functions, tested directly."""

from __future__ import annotations

import pytest

from ip_search.opendata.jsonld import prefers_json_ld
from ip_search.opendata.ranges import RangeNotSatisfiable, select_window

ETAG = '"abc"'
SIZE = 1000


@pytest.mark.parametrize(
    ("header", "start", "end", "partial"),
    [
        (None, 0, 1000, False),
        ("bytes=0-499", 0, 500, True),
        ("bytes=500-", 500, 1000, True),
        ("bytes=-100", 900, 1000, True),
        ("bytes=-5000", 0, 1000, True),
        ("bytes=990-5000", 990, 1000, True),
        ("BYTES=1-1", 1, 2, True),
        ("bytes=500-400", 0, 1000, False),  # reversed: invalid, ignored
        ("bytes=0-1,5-6", 0, 1000, False),  # several ranges: the whole file
        ("bytes=1_0-20", 0, 1000, False),  # not ASCII digits only
        ("bytes=+5-9", 0, 1000, False),
        ("items=0-5", 0, 1000, False),
        ("bytes=-", 0, 1000, False),
    ],
)
def test_select_window(header: str | None, start: int, end: int, partial: bool) -> None:
    window = select_window(header, None, ETAG, SIZE)
    assert (window.start, window.end, window.partial) == (start, end, partial)


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        select_window(header, None, ETAG, SIZE)


def test_any_range_of_an_empty_file_is_unsatisfiable() -> None:
    with pytest.raises(RangeNotSatisfiable):
        select_window("bytes=-10", None, ETAG, 0)


def test_if_range_with_another_tag_sends_the_whole_file() -> None:
    assert select_window("bytes=10-", '"old"', ETAG, SIZE).partial is False
    assert select_window("bytes=10-", ETAG, ETAG, SIZE).start == 10


def test_content_range_names_the_last_byte() -> None:
    assert select_window("bytes=0-9", None, ETAG, SIZE).content_range == "bytes 0-9/1000"


@pytest.mark.parametrize(
    ("accept", "linked"),
    [
        (None, False),
        ("application/json", False),
        ("*/*", False),
        ("application/ld+json", True),
        ("application/ld+json, application/json;q=0.5", True),
        ("application/json, application/ld+json;q=0.9", False),
        ("application/ld+json;q=0", False),
    ],
)
def test_prefers_json_ld(accept: str | None, linked: bool) -> None:
    assert prefers_json_ld(accept) is linked
