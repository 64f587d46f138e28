"""A stored file as the answer to a GET or HEAD: not modified, redirected, or a byte window.

Dataset versions and exports are served through here, so both honour ``If-None-Match``,
``Range``/``If-Range`` and ``Content-Length`` alike. The ETag is the file's SHA-256: the same
bytes have the same tag on every replica. With an object store configured the answer is a
redirect to ``{object_store_url}/{storage_key}``; otherwise the file is checked to still have
its recorded size (a missing or truncated file is a 503, never a short body).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import structlog

from common.caching import etag_matches
from common.errors import ProblemError, ServiceUnavailable
from ip_search.opendata.ranges import ByteWindow, RangeNotSatisfiable, select_window
from ip_search.opendata.storage import LocalStorage

logger = structlog.get_logger("moea.ip_search.opendata")


class RangeNotSatisfiableProblem(ProblemError):
    status, slug = 416, "range-not-satisfiable"

    def __init__(self, size: int) -> None:
        super().__init__(f"the file has {size} bytes", headers={"Content-Range": f"bytes */{size}"})


@dataclass(frozen=True, slots=True)
class ServedFile:
    storage_key: str
    sha256: str
    size: int
    media_type: str
    filename: str  # what ``Content-Disposition`` suggests


@dataclass(frozen=True, slots=True)
class Conditions:
    """The request headers that decide which bytes, if any, are sent."""

    range: str | None = None
    if_range: str | None = None
    if_none_match: str | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Conditions:
        return cls(headers.get("range"), headers.get("if-range"), headers.get("if-none-match"))


@dataclass(frozen=True, slots=True)
class FileSource:
    """Where the files are: local storage, or an object store that mirrors its keys."""

    storage: LocalStorage
    object_store_url: str | None


@dataclass(frozen=True, slots=True)
class Delivery:
    file: ServedFile
    etag: str
    not_modified: bool = False
    location: str | None = None
    path: Path | None = None
    window: ByteWindow | None = None

    @property
    def starts_a_download(self) -> bool:
        """A whole file or a range from byte 0; a later range resumes one already counted."""
        return not self.not_modified and (self.window is None or self.window.start == 0)


async def locate(source: FileSource, file: ServedFile, conditions: Conditions) -> Delivery:
    etag = f'"{file.sha256}"'
    if etag_matches(conditions.if_none_match, etag):
        return Delivery(file, etag, not_modified=True)
    if source.object_store_url:
        location = f"{source.object_store_url.rstrip('/')}/{file.storage_key}"
        return Delivery(file, etag, location=location)
    if await source.storage.size_of(file.storage_key) != file.size:
        logger.error("open-data file missing or changed", storage_key=file.storage_key)
        raise ServiceUnavailable("the file is not available")
    try:
        window = select_window(conditions.range, conditions.if_range, etag, file.size)
    except RangeNotSatisfiable as exc:
        raise RangeNotSatisfiableProblem(exc.size) from exc
    return Delivery(file, etag, path=source.storage.path_of(file.storage_key), window=window)
