"""Byte ranges (RFC 9110 §14): which part of a file a GET asks for.

Starlette's ``FileResponse`` serves ranges too, but it answers a malformed or reversed range
with a plain-text 400 where RFC 9110 says to ignore an invalid ``Range`` and send the whole file,
its 416 is not problem+json, and ``int()`` lets ``1_0`` or ``+5`` through as offsets. So ranges
are parsed here, strictly and without I/O, and the chosen window is streamed by
``streaming.py``. Several ranges in one request are answered with the whole file, which the RFC
allows: resuming clients ask for one range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ASCII digits only: ``\d`` would accept other scripts' digits.
_SINGLE_RANGE = re.compile(r"(?i:bytes)=([0-9]*)-([0-9]*)")


@dataclass(frozen=True, slots=True)
class ByteWindow:
    """Bytes ``start`` up to (not including) ``end`` of a file of ``size`` bytes."""

    start: int
    end: int
    size: int
    partial: bool

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end - 1}/{self.size}"


class RangeNotSatisfiable(Exception):
    """The range starts past the end of the file (or asks for the last 0 bytes)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"range not satisfiable for {size} bytes")
        self.size = size


def whole(size: int) -> ByteWindow:
    return ByteWindow(0, size, size, partial=False)


def select_window(
    range_header: str | None, if_range: str | None, etag: str, size: int
) -> ByteWindow:
    """The window to send: the whole file unless one valid, still-current range is asked for."""
    if range_header is None or not _if_range_holds(if_range, etag):
        return whole(size)
    match = _SINGLE_RANGE.fullmatch(range_header.strip())
    if match is None:  # malformed, another unit, or several ranges: ignored
        return whole(size)
    first, last = match.groups()
    if not first:
        return _suffix(last, size)
    return _from_offset(int(first), int(last) if last else None, size)


def _suffix(last: str, size: int) -> ByteWindow:
    if not last:  # "bytes=-" names no range at all
        return whole(size)
    suffix = int(last)
    if suffix == 0 or size == 0:
        raise RangeNotSatisfiable(size)
    return ByteWindow(max(size - suffix, 0), size, size, partial=True)


def _from_offset(start: int, last: int | None, size: int) -> ByteWindow:
    if last is not None and last < start:  # invalid range-spec: the header is ignored
        return whole(size)
    if start >= size:
        raise RangeNotSatisfiable(size)
    end = size if last is None else min(last + 1, size)
    return ByteWindow(start, end, size, partial=True)


def _if_range_holds(if_range: str | None, etag: str) -> bool:
    """``If-Range`` must name the current strong ETag; a date or an old tag means "send it all"."""
    return if_range is None or if_range.strip() == etag
