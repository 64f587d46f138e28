"""Use cases of exports: request one (reused, refused or queued), read it, serve its file.

Takes the session first, raises ``common.errors``, never commits (``CommittingRoute`` does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import Conflict, Gone, NotFound, ProblemError, UnprocessableContent
from common.exports import ExportStatus, submit
from ip_search.models import platform_tables, trademark_export
from ip_search.opendata.exports import repository
from ip_search.opendata.exports.criteria import ExportQuery
from ip_search.opendata.exports.schemas import ExportFormat, ExportIn, ExportOut
from ip_search.opendata.exports.selection import bounded_count, matching
from ip_search.opendata.exports.views import export_out
from ip_search.opendata.serving import Conditions, Delivery, FileSource, ServedFile, locate
from ip_search.search.backend import QueryTooShortError

EXPORT_TOPIC = "ip_search.export"
MEDIA_TYPES = {ExportFormat.CSV: "text/csv; charset=utf-8", ExportFormat.JSONL: "application/jsonl"}
RETRY_AFTER_SECONDS = 30


class ExportTooLarge(ProblemError):
    status, slug = 422, "export-too-large"


class TooManyExports(ProblemError):
    status, slug = 429, "too-many-exports"


@dataclass(frozen=True, slots=True)
class ExportLimits:
    max_rows: int
    per_client: int


@dataclass(frozen=True, slots=True)
class Requested:
    export: ExportOut
    created: bool  # False: an identical export since the last import was returned


async def request_export(
    session: AsyncSession,
    body: ExportIn,
    *,
    requester: str,
    data_as_of: dt.datetime | None,
    limits: ExportLimits,
    base_url: str,
) -> Requested:
    query = ExportQuery.from_request(body)
    existing = await repository.reusable(session, query.hash, data_as_of)
    if existing is not None:
        return Requested(export_out(existing, base_url), created=False)
    await _check_unfinished(session, requester, limits.per_client)
    values = {
        "query": query.document(),
        "query_hash": query.hash,
        "format": query.format.value,
        "data_as_of": data_as_of,
        "requested_by": requester,
        "estimated_rows": await _count(session, query, limits.max_rows),
    }
    row, created = await _submit_once(session, query, data_as_of, values)
    return Requested(export_out(row, base_url), created)


async def _check_unfinished(session: AsyncSession, requester: str, per_client: int) -> None:
    """A soft cap (two requests racing may both pass): it bounds a client's share of the
    worker, it does not account for it."""
    if await repository.unfinished_of(session, requester) >= per_client:
        raise TooManyExports(
            f"{per_client} of your exports are still queued or running; retry when one is done",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


async def _count(session: AsyncSession, query: ExportQuery, max_rows: int) -> int:
    """The matching marks, exactly; 422 past ``max_rows`` (counting stops just after it)."""
    try:
        selection = matching(query)
    except QueryTooShortError as error:
        raise UnprocessableContent(str(error)) from None
    statement = bounded_count(selection, max_rows)
    count: int = (await session.execute(statement, selection.params)).scalar_one()
    if count > max_rows:
        raise ExportTooLarge(
            f"the query matches more than {max_rows:,} marks, the most one export may hold; "
            "narrow it with filters (classes, status, filing dates) and export the parts"
        )
    return count


async def _submit_once(
    session: AsyncSession,
    query: ExportQuery,
    data_as_of: dt.datetime | None,
    values: Mapping[str, Any],
) -> tuple[RowMapping, bool]:
    """Queue the export, unless an identical request committed one first (the unique index)."""
    try:
        async with session.begin_nested():
            row = await submit(session, platform_tables, trademark_export, EXPORT_TOPIC, values)
    except IntegrityError:
        existing = await repository.reusable(session, query.hash, data_as_of)
        if existing is None:
            raise
        return existing, False
    return row, True


async def get_export(session: AsyncSession, export_id: UUID, base_url: str) -> ExportOut:
    return export_out(await _existing(session, export_id), base_url)


async def _existing(session: AsyncSession, export_id: UUID) -> RowMapping:
    row = await repository.by_id(session, export_id)
    if row is None:
        raise NotFound(f"no export {export_id}")
    return row


async def deliver(
    session: AsyncSession, files: FileSource, export_id: UUID, conditions: Conditions
) -> Delivery:
    row = await _existing(session, export_id)
    status = ExportStatus(row["status"])
    if status is ExportStatus.EXPIRED:
        raise Gone("the export's file was deleted after its retention period; request it again")
    if status is not ExportStatus.DONE:
        raise Conflict(f"the export is {status}, not done")
    return await locate(files, served_file(row), conditions)


def served_file(row: RowMapping) -> ServedFile:
    file_format = ExportFormat(row["format"])
    return ServedFile(
        storage_key=row["storage_key"],
        sha256=row["sha256"],
        size=row["size_bytes"],
        media_type=MEDIA_TYPES[file_format],
        filename=f"trademarks-{row['id']}.{file_format.value}",
    )
