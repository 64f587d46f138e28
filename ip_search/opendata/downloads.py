"""One download, decided: which file, for whom, whether the client's copy is current, which bytes.

Checks in order: unknown dataset or version 404; an unknown or revoked API key 401; a matching
``If-None-Match`` 304; an unsatisfiable range 416; a spent daily quota 429. Only then is the
download counted (a range that starts past byte 0 is a resume, not a new download) and either
served from local storage or redirected to the object store. HEAD is never counted.
The ETag is the file's SHA-256: the same bytes have the same tag on every replica.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import structlog
from redis.asyncio import Redis
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.caching import etag_matches
from common.errors import NotFound, ProblemError, ServiceUnavailable, TooManyRequests, Unauthorized
from common.pii.blind_index import BlindIndex
from ip_search.opendata import apikeys, repository
from ip_search.opendata.counters import count_download
from ip_search.opendata.quota import take_quota
from ip_search.opendata.ranges import ByteWindow, RangeNotSatisfiable, select_window
from ip_search.opendata.storage import LocalStorage

logger = structlog.get_logger("moea.ip_search.opendata")


class RangeNotSatisfiableProblem(ProblemError):
    status, slug = 416, "range-not-satisfiable"

    def __init__(self, size: int) -> None:
        super().__init__(f"the file has {size} bytes", headers={"Content-Range": f"bytes */{size}"})


@dataclass(frozen=True, slots=True)
class DownloadRequest:
    dataset_id: str
    version: int
    counted: bool  # a GET; HEAD only asks about the file
    range: str | None
    if_range: str | None
    if_none_match: str | None
    api_key: str | None


@dataclass(frozen=True, slots=True)
class DownloadContext:
    redis: Redis
    storage: LocalStorage
    index: BlindIndex
    object_store_url: str | None
    now: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    version: RowMapping
    etag: str
    not_modified: bool = False
    location: str | None = None
    path: Path | None = None
    window: ByteWindow | None = None


async def deliver(
    session: AsyncSession, context: DownloadContext, request: DownloadRequest
) -> Delivery:
    version = await _version(session, request.dataset_id, request.version)
    key = await _api_key(session, context.index, request.api_key)
    etag = f'"{version["sha256"]}"'
    if etag_matches(request.if_none_match, etag):
        return Delivery(version, etag, not_modified=True)
    delivery = await _locate(context, version, etag, request)
    if request.counted:
        await _take_quota(context, key)
        if delivery.window is None or delivery.window.start == 0:
            await count_download(context.redis, request.dataset_id, request.version)
    return delivery


async def _version(session: AsyncSession, dataset_id: str, number: int) -> RowMapping:
    version = await repository.version(session, dataset_id, number)
    if version is not None:
        return version
    if await repository.dataset_by_id(session, dataset_id) is None:
        raise NotFound(f"no dataset {dataset_id!r}")
    raise NotFound(f"dataset {dataset_id!r} has no version {number}")


async def _api_key(session: AsyncSession, index: BlindIndex, key: str | None) -> RowMapping | None:
    if key is None:
        return None
    row = await repository.active_api_key(session, apikeys.key_hash(index, key))
    if row is None:
        raise Unauthorized("unknown or revoked API key")
    return row


async def _locate(
    context: DownloadContext, version: RowMapping, etag: str, request: DownloadRequest
) -> Delivery:
    if context.object_store_url:
        location = f"{context.object_store_url.rstrip('/')}/{version['storage_key']}"
        return Delivery(version, etag, location=location)
    size = version["size_bytes"]
    if await context.storage.size_of(version["storage_key"]) != size:
        logger.error("open-data file missing or changed", storage_key=version["storage_key"])
        raise ServiceUnavailable("the file of this version is not available")
    try:
        window = select_window(request.range, request.if_range, etag, size)
    except RangeNotSatisfiable as exc:
        raise RangeNotSatisfiableProblem(exc.size) from exc
    path = context.storage.path_of(version["storage_key"])
    return Delivery(version, etag, path=path, window=window)


async def _take_quota(context: DownloadContext, key: RowMapping | None) -> None:
    if key is None:
        return
    decision = await take_quota(context.redis, key["id"], key["daily_quota"], context.now)
    if not decision.allowed:
        raise TooManyRequests(decision.retry_after_seconds)
