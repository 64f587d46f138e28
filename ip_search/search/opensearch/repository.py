"""The register rows the indexer reads from PostgreSQL, streamed in batches."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence

from sqlalchemy import ColumnElement, RowMapping, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from ip_search.models import import_run, trademark

MARK_COLUMNS = (
    "application_no",
    "registration_no",
    "name",
    "status",
    "kind",
    "nice_classes",
    "class_codes",
    "groups",
    "vienna_codes",
    "applicant_key",
    "filing_date",
    "match_keys",
)


async def _stream(
    session: AsyncSession, condition: ColumnElement[bool], batch: int
) -> AsyncIterator[RowMapping]:
    statement = (
        select(*(trademark.c[name] for name in MARK_COLUMNS))
        .where(condition)
        .execution_options(yield_per=batch)
    )
    result = await session.stream(statement)
    async for row in result.mappings():
        yield row


def all_marks(session: AsyncSession, batch: int) -> AsyncIterator[RowMapping]:
    """Every mark of the register, read through a server-side cursor ``batch`` rows at a time."""
    return _stream(session, true(), batch)


async def run_marks(
    session: AsyncSession, run_id: int, after: str, limit: int
) -> Sequence[RowMapping]:
    """The next ``limit`` marks (by number, after ``after``) that import run ``run_id`` wrote
    and no later import has rewritten since."""
    statement = (
        select(*(trademark.c[name] for name in MARK_COLUMNS))
        .where(trademark.c.import_run_id == run_id, trademark.c.application_no > after)
        .order_by(trademark.c.application_no)
        .limit(limit)
    )
    return (await session.execute(statement)).mappings().all()


def marks_of_runs_finished_since(
    session: AsyncSession, since: dt.datetime, batch: int
) -> AsyncIterator[RowMapping]:
    """The marks of every import that finished at or after ``since``."""
    runs = select(import_run.c.id).where(import_run.c.finished_at >= since)
    return _stream(session, trademark.c.import_run_id.in_(runs), batch)


async def database_now(session: AsyncSession) -> dt.datetime:
    """The database's clock (import runs are stamped by it, not by this host's)."""
    return (await session.execute(select(func.now()))).scalar_one()
