"""Asynchronous exports: a job row the client polls, built by the worker through the outbox.

    row = await submit(session, tables, my_export, "my_service.export", {"requested_by": who})
    ...
    async def handler(delivery: Delivery) -> None:       # the topic's outbox handler
        await run_export(delivery, my_export, build)

A service keeps its exports in its own table, with at least ``id``, ``status`` (an
``ExportStatus``) and ``finished_at``; ``rows_done`` (progress) and ``error`` are written when
the table has them. ``submit`` adds the row (queued) and its outbox message to the caller's
transaction. ``run_export`` marks the job running, lets the service build it, and records the
outcome: done with the builder's values, or failed with the error. Status and progress are
written on a connection of their own, so a client polling the job sees them while the
handler's transaction is still open; the final state commits with the outbox message.
A failure is final (an identical request may run the export again); an infrastructure error
that breaks the handler's transaction is not caught, so the outbox retries the message.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum
from typing import Any

import orjson
import structlog
from sqlalchemy import RowMapping, Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.jobs import Delivery, enqueue
from common.platform_tables import PlatformTables

__all__ = [
    "ExportError",
    "ExportProgress",
    "ExportStatus",
    "query_hash",
    "run_export",
    "submit",
]

MAX_ERROR_CHARS = 500
PROGRESS_EVERY_SECONDS = 1.0

logger = structlog.get_logger("moea.exports")


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"
    """Done once; its file has been deleted after the retention period."""


class ExportError(Exception):
    """Why an export cannot be built, in words the client may read on the job."""


FINISHED = frozenset({ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED})


def query_hash(query: Mapping[str, Any]) -> str:
    """SHA-256 of the query's canonical JSON (sorted keys): equal queries, equal hashes.

    The caller canonicalises values first (sorted, de-duplicated lists, folded text), so two
    requests that mean the same export hash the same.
    """
    return hashlib.sha256(orjson.dumps(query, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def submit(
    session: AsyncSession,
    tables: PlatformTables,
    table: Table,
    topic: str,
    values: Mapping[str, Any],
) -> RowMapping:
    """Add a queued export and the outbox message that builds it; does not commit."""
    statement = insert(table).values(**values, status=ExportStatus.QUEUED).returning(table)
    row: RowMapping = (await session.execute(statement)).mappings().one()
    await enqueue(session, tables, topic, {"export_id": _plain(row["id"])})
    return row


def _plain(value: Any) -> Any:
    """Ids as JSON has them: integers stay, anything else (a UUID) travels as text."""
    return value if isinstance(value, int) else str(value)


class ExportProgress:
    """Status and progress of one export, written on their own connection (they must show
    while the handler's transaction is still open), progress at most every ``every_seconds``."""

    def __init__(
        self, engine: AsyncEngine, table: Table, export_id: Any, every_seconds: float
    ) -> None:
        self.engine = engine
        self.table = table
        self.export_id = export_id
        self.every_seconds = every_seconds
        self._next_report = 0.0

    async def start(self) -> None:
        values: dict[str, Any] = {"status": ExportStatus.RUNNING}
        if "rows_done" in self.table.c:
            values["rows_done"] = 0
        await self._write(values)
        self._next_report = time.monotonic() + self.every_seconds

    async def report(self, rows_done: int) -> None:
        if "rows_done" not in self.table.c or time.monotonic() < self._next_report:
            return
        self._next_report = time.monotonic() + self.every_seconds
        await self._write({"rows_done": rows_done})

    async def _write(self, values: Mapping[str, Any]) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(
                update(self.table).where(self.table.c.id == self.export_id).values(**values)
            )


Builder = Callable[[Delivery, RowMapping, ExportProgress], Awaitable[Mapping[str, Any]]]
"""Builds the export of a job row; returns the columns to store with ``status=done``."""


async def run_export(
    delivery: Delivery,
    table: Table,
    build: Builder,
    *,
    progress_every_seconds: float = PROGRESS_EVERY_SECONDS,
) -> None:
    """The body of an export's outbox handler (the payload holds ``export_id``)."""
    session = delivery.session
    export_id = delivery.message.payload["export_id"]
    job = (await session.execute(select(table).where(table.c.id == export_id))).mappings().first()
    if job is None or job["status"] in FINISHED:
        return  # gone, or a repeated delivery of a finished job
    progress = ExportProgress(_engine_of(session), table, job["id"], progress_every_seconds)
    await progress.start()
    try:
        async with session.begin_nested():
            values = await build(delivery, job, progress)
    except Exception as exc:  # the builder's own failure: final, and shown on the job
        logger.warning(
            "export failed", table=table.fullname, export_id=str(job["id"]), error=repr(exc)
        )
        await _finish(session, table, job["id"], ExportStatus.FAILED, _error(table, exc))
        return
    await _finish(session, table, job["id"], ExportStatus.DONE, values)


def _error(table: Table, exc: Exception) -> dict[str, Any]:
    """Only an ``ExportError`` is shown as it is: other messages may hold SQL or paths."""
    if "error" not in table.c:
        return {}
    reason = str(exc) if isinstance(exc, ExportError) else "the export could not be built"
    return {"error": reason[:MAX_ERROR_CHARS]}


async def _finish(
    session: AsyncSession,
    table: Table,
    export_id: Any,
    status: ExportStatus,
    values: Mapping[str, Any],
) -> None:
    statement = (
        update(table)
        .where(table.c.id == export_id)
        .values(**values, status=status, finished_at=func.now())
    )
    await session.execute(statement)


def _engine_of(session: AsyncSession) -> AsyncEngine:
    bind = session.bind
    if isinstance(bind, AsyncEngine):
        return bind
    if bind is None:
        raise RuntimeError("an export handler's session must be bound to an engine")
    return bind.engine
