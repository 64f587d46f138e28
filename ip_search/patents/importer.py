"""Import patent documents from JSON Lines: streaming, idempotent, all or nothing per file.

Format: UTF-8, one JSON object per line (blank lines are skipped). Fields::

    office            required  "TW" | "US" | "EP" | "JP" | "CN" | "KR"
    publication_no    required  the office's number without country or kind, e.g. "I812345",
                                "11234567", "3456789", "2023-123456", "115123456", "1020230012345"
    kind              required  kind code, e.g. "B", "A1", "B2", "U"
    publication_date  required  "YYYY-MM-DD"
    application_no    required  e.g. "112101234", "17/123,456", "21 123 456.7"
    application_date  optional  "YYYY-MM-DD", not after publication_date
    title             required  in the document's language
    abstract          optional  text (default "")
    claims            optional  list of claim texts, in order (default [])
    ipc               optional  IPC symbols, "H01M 10/052" or "H01M10/052"
    applicants        optional  names, in any script (several spellings of one name allowed)
    inventors         optional  names
    language          required  "en", "zh-Hant", "zh-Hans", "ja", "ko", ...

Example::

    {"office": "TW", "publication_no": "I812345", "kind": "B", "publication_date":
     "2023-08-01", "application_no": "111104567", "application_date": "2022-02-08", "title":
     "鋰電池負極材料及其製造方法", "abstract": "...", "claims": ["1. 一種..."], "ipc":
     ["H01M 4/583"], "applicants": ["台灣電池股份有限公司"], "inventors": ["王小明"],
     "language": "zh-Hant"}

A record is upserted by (office, publication_no), so importing a file twice changes nothing.
A line that is not valid JSON or not a valid record is rejected with its line number and the
reasons, and the other lines are imported. A file that cannot be read, is not UTF-8, or has more
than ``max_errors`` rejected lines is refused and nothing of it is kept: one file, one
transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import orjson
from pydantic import ValidationError
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ip_search.models import patent
from ip_search.patents.record import PatentRecord, to_row

__all__ = ["LineError", "PatentImportReport", "import_jsonl", "import_records"]

BATCH_SIZE = 500
MAX_ERRORS = 1000
KEPT_ERRORS = 100
_KEY = ("office", "publication_no")
_UPDATED = [c.name for c in patent.columns if c.computed is None and c.name not in ("id", *_KEY)]


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str


@dataclass
class PatentImportReport:
    source: str
    accepted: int = 0
    rejected: int = 0
    errors: list[LineError] = field(default_factory=list)
    refused: str | None = None


class _Refused(Exception):
    pass


async def import_jsonl(
    engine: AsyncEngine, path: Path, *, max_errors: int = MAX_ERRORS
) -> PatentImportReport:
    """Import one JSON Lines file in one transaction (see the module docstring)."""
    report = PatentImportReport(source=str(path))
    try:
        async with engine.begin() as connection:
            await _load(connection, _lines(path), report, max_errors)
    except _Refused as exc:
        return _refused(report, str(exc))
    except OSError as exc:
        return _refused(report, f"cannot read the file: {exc.strerror or exc}")
    return report


async def import_records(
    engine: AsyncEngine, records: Iterable[Mapping[str, Any]], *, source: str = "records"
) -> PatentImportReport:
    """Import already-decoded records (the synthetic generator) the same way."""
    report = PatentImportReport(source=source)

    async def numbered() -> AsyncIterator[tuple[int, object]]:
        for number, record in enumerate(records, start=1):
            yield number, record

    async with engine.begin() as connection:
        await _load(connection, numbered(), report, max_errors=MAX_ERRORS)
    return report


def _refused(report: PatentImportReport, reason: str) -> PatentImportReport:
    return PatentImportReport(source=report.source, refused=reason)


async def _lines(path: Path) -> AsyncIterator[tuple[int, object]]:
    async with await anyio.open_file(path, "rb") as stream:
        number = 0
        async for raw in stream:
            number += 1
            if raw.strip():
                yield number, _decode(raw, number)


_INVALID_JSON = object()


def _decode(raw: bytes, number: int) -> object:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused(f"line {number} is not UTF-8 (byte {exc.start})") from None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _INVALID_JSON


async def _load(
    connection: AsyncConnection,
    lines: AsyncIterator[tuple[int, object]],
    report: PatentImportReport,
    max_errors: int,
) -> None:
    batch: dict[tuple[str, str], dict[str, Any]] = {}
    async for number, value in lines:
        row = _row(number, value, report)
        if report.rejected > max_errors:
            raise _Refused(f"more than {max_errors} rejected lines")
        if row is not None:
            # Last one wins within a batch: one INSERT cannot update the same row twice.
            batch[(row["office"], row["publication_no"])] = row
        if len(batch) >= BATCH_SIZE:
            await _upsert(connection, batch, report)
    await _upsert(connection, batch, report)


def _row(number: int, value: object, report: PatentImportReport) -> dict[str, Any] | None:
    if value is _INVALID_JSON or not isinstance(value, dict):
        _reject(report, number, "not a JSON object")
        return None
    try:
        return to_row(PatentRecord.model_validate(value))
    except ValidationError as exc:
        _reject(report, number, _reasons(exc))
        return None


def _reasons(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'record'}: {error['msg']}"
        for error in exc.errors()
    )


def _reject(report: PatentImportReport, number: int, reason: str) -> None:
    report.rejected += 1
    if len(report.errors) < KEPT_ERRORS:
        report.errors.append(LineError(number, reason))


async def _upsert(
    connection: AsyncConnection,
    batch: dict[tuple[str, str], dict[str, Any]],
    report: PatentImportReport,
) -> None:
    if not batch:
        return
    statement = insert(patent)
    updates = {name: statement.excluded[name] for name in _UPDATED}
    statement = statement.on_conflict_do_update(
        index_elements=list(_KEY), set_={**updates, "updated_at": func.now()}
    )
    await connection.execute(statement, list(batch.values()))
    report.accepted += len(batch)
    batch.clear()
