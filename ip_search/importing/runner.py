"""Importing TIPO files (or any stream of records) into the register, one transaction per file.

A file is first read whole by the safe XML reader (which also counts its records for the
progress bar): a hostile or malformed file is refused before anything is written, and a file
that fails later still rolls back entirely. Parsing and key computation are CPU work, so they
run in a thread while the event loop writes the previous batch. Every import, finished or
refused, leaves an ``import_run`` row; the last finished one is the register's ``data_as_of``.
A finished import with marks also commits an outbox announcement (``announce``), on which
watch matching runs, whether the import came from the CLI, the job or the demo seed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from common.safe_xml import check_xml
from ip_search.importers import (
    ImportItem,
    RecordRejection,
    TrademarkRecord,
    XmlRefusedError,
    gazette,
    read_gazette,
    read_tmarkappl,
    read_tmarkrights,
    tmark,
)
from ip_search.importing.announce import announce_import
from ip_search.importing.loader import RegisterLoader
from ip_search.importing.maintenance import BULK_IMPORT_ROWS, refresh_search_tables
from ip_search.importing.progress import Progress, SilentProgress
from ip_search.importing.rows import MarkRows, record_rows

BATCH_SIZE = 2000
KEPT_REJECTIONS = 1000
SNIFF_BYTES = 65536


class Feed(StrEnum):
    TMARK_APPL = "tmarkappl"
    TMARK_RIGHTS = "tmarkrights"
    GAZETTE = "gazette"
    SYNTHETIC = "synthetic"


@dataclass(slots=True)
class Batch:
    rows: MarkRows
    accepted: int
    rejections: list[RecordRejection]


@dataclass(slots=True)
class ImportSummary:
    source: str
    feed: str
    accepted: int = 0
    rejected: int = 0
    rejections: list[RecordRejection] = field(default_factory=list)
    refused: str | None = None
    run_id: int | None = None

    def add(self, batch: Batch) -> None:
        self.accepted += batch.accepted
        self.rejected += len(batch.rejections)
        room = KEPT_REJECTIONS - len(self.rejections)
        self.rejections.extend(batch.rejections[: max(room, 0)])

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "feed": self.feed,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "refused": self.refused,
            "run_id": self.run_id,
            "rejections": [_rejection_dict(r) for r in self.rejections],
        }


def _rejection_dict(rejection: RecordRejection) -> dict[str, Any]:
    return {
        "position": rejection.position,
        "application_no": rejection.application_no,
        "reasons": list(rejection.reasons),
    }


def detect_feed(path: Path) -> Feed:
    """Which TIPO feed a file holds, from its first bytes (blocking: call in a thread)."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if b"<RegContent" in head:
        return Feed.GAZETTE
    if b"<tmarkrights" in head or b"<exam-no" in head:
        return Feed.TMARK_RIGHTS
    return Feed.TMARK_APPL


def count_records(path: Path, feed: Feed) -> int:
    """Read the whole file safely; raise XmlRefusedError for a file that must not be imported."""
    if feed is Feed.GAZETTE:
        return check_xml(path, gazette.RECORD_TAGS, gazette.ROOTS)
    roots = tmark.RIGHTS_ROOTS if feed is Feed.TMARK_RIGHTS else tmark.APPL_ROOTS
    return check_xml(path, tmark.RECORD_TAGS, roots)


def read_file(path: Path, feed: Feed) -> Iterator[ImportItem]:
    if feed is Feed.GAZETTE:
        return read_gazette(path)
    if feed is Feed.TMARK_RIGHTS:
        return read_tmarkrights(path)
    return read_tmarkappl(path)


def next_batch(
    items: Iterator[ImportItem], run_id: int | None, size: int = BATCH_SIZE
) -> Batch | None:
    """The next ``size`` items as rows; a number repeated within the batch keeps its last record."""
    records: dict[str, TrademarkRecord] = {}
    rejections: list[RecordRejection] = []
    accepted = 0
    for item in items:
        if isinstance(item, RecordRejection):
            rejections.append(item)
        else:
            records.pop(item.application_no, None)
            records[item.application_no] = item
            accepted += 1
        if accepted + len(rejections) >= size:
            break
    if not accepted and not rejections:
        return None
    rows = MarkRows()
    for record in records.values():
        rows.extend(record_rows(record, run_id))
    return Batch(rows, accepted, rejections)


BatchSource = Callable[[int | None], Batch | None]


async def _driver(connection: AsyncConnection) -> Any:
    """The asyncpg connection under SQLAlchemy's: COPY, and a transaction we hold ourselves
    (SQLAlchemy would only BEGIN on its own first statement)."""
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def _start_run(driver: Any, summary: ImportSummary, started: dt.datetime) -> int:
    run_id: int = await driver.fetchval(
        "INSERT INTO ip_search.import_run (source, feed, status, started_at, accepted, rejected) "
        "VALUES ($1, $2, 'finished', $3, 0, 0) RETURNING id",
        summary.source,
        summary.feed,
        started,
    )
    return run_id


async def _finish_run(driver: Any, summary: ImportSummary) -> None:
    await driver.execute(
        "UPDATE ip_search.import_run SET finished_at = clock_timestamp(), accepted = $2, "
        "rejected = $3, rejections = $4::jsonb WHERE id = $1",
        summary.run_id,
        summary.accepted,
        summary.rejected,
        orjson.dumps([_rejection_dict(r) for r in summary.rejections]).decode(),
    )


async def _record_refusal(
    engine: AsyncEngine, summary: ImportSummary, started: dt.datetime
) -> None:
    async with engine.connect() as connection:
        driver = await _driver(connection)
        summary.run_id = await driver.fetchval(
            "INSERT INTO ip_search.import_run (source, feed, status, started_at, finished_at, "
            "accepted, rejected, error) VALUES ($1, $2, 'refused', $3, clock_timestamp(), 0, 0, "
            "$4) RETURNING id",
            summary.source,
            summary.feed,
            started,
            summary.refused,
        )


async def import_batches(
    engine: AsyncEngine,
    batches: BatchSource,
    *,
    source: str,
    feed: str,
    progress: Progress | None = None,
) -> ImportSummary:
    """Write every batch ``batches(run_id)`` yields (None: done) in ONE transaction."""
    progress = progress or SilentProgress()
    summary = ImportSummary(source=source, feed=feed)
    started = dt.datetime.now(dt.UTC)
    try:
        async with engine.connect() as connection:
            driver = await _driver(connection)
            async with driver.transaction():
                summary.run_id = await _start_run(driver, summary, started)
                loader = RegisterLoader(driver)
                while (batch := await asyncio.to_thread(batches, summary.run_id)) is not None:
                    await loader.write(batch.rows)
                    summary.add(batch)
                    progress.advance(batch.accepted, len(batch.rejections))
                await _finish_run(driver, summary)
                if summary.accepted:
                    await announce_import(driver, summary.run_id)
        if summary.accepted >= BULK_IMPORT_ROWS:
            await refresh_search_tables(engine)
    except XmlRefusedError as error:
        summary = ImportSummary(source=source, feed=feed, refused=str(error))
        await _record_refusal(engine, summary, started)
    finally:
        progress.close()
    return summary


async def import_items(
    engine: AsyncEngine,
    items: Iterable[ImportItem],
    *,
    source: str,
    feed: str,
    progress: Progress | None = None,
) -> ImportSummary:
    iterator = iter(items)
    return await import_batches(
        engine,
        lambda run_id: next_batch(iterator, run_id),
        source=source,
        feed=feed,
        progress=progress,
    )


async def import_file(
    engine: AsyncEngine,
    path: Path,
    *,
    feed: Feed | None = None,
    progress: Callable[[int], Progress] | None = None,
) -> ImportSummary:
    """Import one TIPO XML file; a refused file is reported in the summary, never half-done."""
    chosen = feed if feed is not None else await asyncio.to_thread(detect_feed, path)
    started = dt.datetime.now(dt.UTC)
    try:
        total = await asyncio.to_thread(count_records, path, chosen)
    except XmlRefusedError as error:
        summary = ImportSummary(source=str(path), feed=chosen.value, refused=str(error))
        await _record_refusal(engine, summary, started)
        return summary
    return await import_items(
        engine,
        read_file(path, chosen),
        source=str(path),
        feed=chosen.value,
        progress=progress(total) if progress else None,
    )
