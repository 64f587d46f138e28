"""Import a dataset 6569 release into the registry: all or nothing, with a change report.

The file is parsed completely first. A file-level error (header, encoding) refuses the file; so
do per-line errors, unless the caller accepts a partial import: then the valid lines are applied
and the bad ones reported. Either way the per-line errors are listed (line, column, reason) and
the run is recorded in ``registry_import``. Re-importing the same release changes nothing and
reports nothing; a new release reports each factory added, changed (with its fields) or
removed, upserts the first two and marks the last as no longer registered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.pii import FieldCipher
from investment.factories import repository
from investment.factories.rows import record_row, row_record
from investment.registry import ChangeReport, ParseResult, RowError, diff_snapshots

MAX_STORED_ERRORS = 1000


@dataclass(frozen=True, slots=True)
class ImportReport:
    run_id: int
    source: str
    applied: bool
    parsed: int
    row_errors: tuple[RowError, ...]
    changes: ChangeReport | None = None
    refused_because: str | None = None
    ignored_columns: tuple[str, ...] = field(default=())

    def summary(self) -> dict[str, Any]:
        counts = self.changes.summary() if self.changes else {}
        return {"parsed": self.parsed, "row_errors": len(self.row_errors), **counts}


def error_dict(error: RowError) -> dict[str, Any]:
    return {
        "line": error.line,
        "column": error.column,
        "reason": error.reason,
        "registration_number": error.registration_number,
    }


async def import_parsed(
    session: AsyncSession,
    parsed: ParseResult,
    *,
    source: str,
    cipher: FieldCipher,
    accept_partial: bool = False,
) -> ImportReport:
    """Apply a parsed release in the caller's transaction (the caller commits)."""
    run_id = await repository.start_import(session, source)
    errors = [error_dict(e) for e in parsed.errors[:MAX_STORED_ERRORS]]
    if parsed.errors and not accept_partial:
        reason = f"{len(parsed.errors)} line(s) have errors; nothing was imported"
        report = ImportReport(
            run_id, source, False, len(parsed.records), parsed.errors, None, reason
        )
        await repository.finish_import(session, run_id, "refused", report.summary(), errors)
        return report
    previous = {
        row.registration_number: row_record(row._mapping, cipher)
        for row in await repository.stored_rows(session)
    }
    changes = diff_snapshots(previous, parsed.records)
    await _apply(session, parsed, changes, cipher, run_id)
    report = ImportReport(
        run_id,
        source,
        True,
        len(parsed.records),
        parsed.errors,
        changes,
        ignored_columns=parsed.ignored_columns,
    )
    await repository.finish_import(session, run_id, "applied", report.summary(), errors)
    return report


async def refuse_file(session: AsyncSession, source: str, reason: str) -> ImportReport:
    """Record a file that could not be read at all (nothing else is touched)."""
    run_id = await repository.start_import(session, source)
    report = ImportReport(run_id, source, False, 0, (), None, reason)
    await repository.finish_import(session, run_id, "refused", {"file_error": reason}, [])
    return report


async def _apply(
    session: AsyncSession,
    parsed: ParseResult,
    changes: ChangeReport,
    cipher: FieldCipher,
    run_id: int,
) -> None:
    """Upsert added and changed factories; delist removed ones. Unchanged rows are not written."""
    touched = {r.registration_number for r in changes.added}
    touched.update(change.registration_number for change in changes.changed)
    rows = [
        record_row(record, cipher, run_id)
        for record in parsed.records
        if record.registration_number in touched
    ]
    await repository.upsert(session, rows)
    if changes.removed:
        await repository.delist(session, (r.registration_number for r in changes.removed), run_id)
