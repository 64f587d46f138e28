"""The worker's side of exports: write the file with COPY, and delete files past retention.

The builder runs in the outbox handler's transaction, so the rows are one consistent snapshot
of the register. The file is written to ``.incoming/`` (hashed as it grows) and renamed to
``exports/<id>.<format>`` before the job is marked done; progress is the count of lines written.
"""

from __future__ import annotations

import codecs
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import RowMapping, text

from common.exports import ExportProgress, run_export
from common.jobs import Delivery
from common.jobs.queue import JobQueue
from common.jobs.runtime import ServiceRuntime
from common.jobs.schedule import ScheduledJob
from ip_search.models import trademark_export
from ip_search.opendata.exports.copying import CSV, JSON_LINES, copy_rows
from ip_search.opendata.exports.criteria import ExportQuery
from ip_search.opendata.exports.repository import expire_finished_before
from ip_search.opendata.exports.schemas import ExportFormat
from ip_search.opendata.exports.selection import file_rows, matching
from ip_search.opendata.storage import IncomingFile, LocalStorage
from ip_search.settings import IpSearchSettings

EXPIRED_PER_RUN = 500
# Below the outbox handler's own timeout (120 s): a slow COPY fails as the builder's error.
STATEMENT_TIMEOUT = text("SET LOCAL statement_timeout = '100s'")

logger = structlog.get_logger("moea.ip_search.opendata")


async def build_trademark_export(delivery: Delivery) -> None:
    """Outbox handler of ``ip_search.export`` (payload: ``export_id``)."""
    await run_export(delivery, trademark_export, _build)


async def _build(delivery: Delivery, job: RowMapping, progress: ExportProgress) -> dict[str, Any]:
    settings = _settings(delivery.settings)
    query = ExportQuery.from_document(job["query"])
    storage = LocalStorage(settings.open_data_dir)
    await delivery.session.execute(STATEMENT_TIMEOUT)
    async with storage.incoming() as file:
        rows = await _copy(delivery, query, settings.open_data_export_max_rows, file, progress)
    stored = await storage.place(file.received, f"exports/{job['id']}.{query.format.value}")
    return {
        "row_count": rows,
        "rows_done": rows,
        "storage_key": stored.key,
        "sha256": stored.sha256,
        "size_bytes": stored.size,
    }


async def _copy(
    delivery: Delivery,
    query: ExportQuery,
    max_rows: int,
    file: IncomingFile,
    progress: ExportProgress,
) -> int:
    selection = matching(query)
    statement = file_rows(selection, query.format, max_rows)
    if query.format is ExportFormat.CSV:
        await file.write(codecs.BOM_UTF8)  # spreadsheets then read the file as UTF-8
        sink = _LineCountingSink(file, progress, header_lines=1)
        return await copy_rows(delivery.session, statement, selection.params, sink, CSV)
    sink = _LineCountingSink(file, progress, header_lines=0)
    return await copy_rows(delivery.session, statement, selection.params, sink, JSON_LINES)


def _settings(settings: object) -> IpSearchSettings:
    if not isinstance(settings, IpSearchSettings):
        raise TypeError("an ip_search export needs the ip_search settings")
    return settings


class _LineCountingSink:
    """Where COPY's output goes: into the file, its lines counted as the progress."""

    def __init__(self, file: IncomingFile, progress: ExportProgress, *, header_lines: int) -> None:
        self.file = file
        self.progress = progress
        self.lines = -header_lines

    async def __call__(self, chunk: bytes) -> None:
        await self.file.write(chunk)
        self.lines += chunk.count(b"\n")  # a cell with a line break counts twice: a hint only
        await self.progress.report(max(self.lines, 0))


async def expire_exports(runtime: ServiceRuntime, _queue: JobQueue) -> int:
    """Delete the files of exports finished more than the retention period ago."""
    settings = _settings(runtime.settings)
    before = datetime.now(UTC) - timedelta(hours=settings.open_data_export_retention_hours)
    async with runtime.sessions() as session, session.begin():
        keys = await expire_finished_before(session, before, EXPIRED_PER_RUN)
    storage = LocalStorage(settings.open_data_dir)
    for key in keys:  # after the commit: no done export ever points at a deleted file
        await storage.delete(key)
    if keys:
        logger.info("expired exports deleted", files=len(keys))
    return len(keys)


EXPIRE_EXPORTS = ScheduledJob("open_data_export_expiry", expire_exports, timedelta(hours=1))
