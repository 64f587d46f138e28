"""The shared export lifecycle (``common.exports``) on a real service table and PostgreSQL.

It runs on ip_search's ``trademark_export`` table, which has the optional ``rows_done`` and
``error`` columns; investment's survey export (without them) is covered by its API test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import RowMapping, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.exports import ExportError, ExportProgress, query_hash, run_export, submit
from common.jobs import Delivery, OutboxMessage
from common.pii import FieldCipher
from common.settings import ServiceSettings
from ip_search.models import platform_tables, trademark_export

TOPIC = "ip_search.export"
Builder = Callable[[Delivery, RowMapping, ExportProgress], Any]


@pytest.fixture
async def job_id(db_engine: AsyncEngine, clean_backends: None) -> Any:
    values = {
        "query": {"nice_class": [5]},
        "query_hash": query_hash({"nice_class": [5]}),
        "format": "csv",
        "requested_by": "ip:198.51.100.7",
        "estimated_rows": 10,
    }
    async with AsyncSession(db_engine) as session:
        row = await submit(session, platform_tables, trademark_export, TOPIC, values)
        await session.commit()
    assert row["status"] == "queued"
    return row["id"]


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


async def job(engine: AsyncEngine, export_id: Any) -> RowMapping:
    async with engine.connect() as connection:
        statement = select(trademark_export).where(trademark_export.c.id == export_id)
        return (await connection.execute(statement)).mappings().one()


async def run(
    engine: AsyncEngine,
    settings_overrides: dict[str, Any],
    http: httpx.AsyncClient,
    export_id: Any,
    build: Builder,
) -> None:
    settings = ServiceSettings(**settings_overrides)
    message = OutboxMessage(
        1, "ip_search", TOPIC, {"export_id": str(export_id)}, dt.datetime.now(dt.UTC), 1
    )
    async with AsyncSession(engine) as session:
        delivery = Delivery(message, session, settings, FieldCipher.from_settings(settings), http)
        await run_export(delivery, trademark_export, build, progress_every_seconds=0)
        await session.commit()


async def test_the_queued_job_and_its_message_commit_together(
    db_engine: AsyncEngine, job_id: Any
) -> None:
    outbox = platform_tables.outbox
    async with db_engine.connect() as connection:
        payloads = (await connection.execute(select(outbox.c.payload))).scalars().all()
    assert payloads == [{"export_id": str(job_id)}]  # a UUID id travels as text


async def test_running_and_progress_show_while_the_handler_runs_then_done(
    db_engine: AsyncEngine, job_id: Any, settings_overrides: dict[str, Any], http: httpx.AsyncClient
) -> None:
    seen: list[tuple[str, int]] = []

    async def build(
        delivery: Delivery, row: RowMapping, progress: ExportProgress
    ) -> dict[str, Any]:
        await progress.report(7)
        current = await job(db_engine, row["id"])  # another connection, mid-transaction
        seen.append((current["status"], current["rows_done"]))
        return {"row_count": 9, "rows_done": 9}

    await run(db_engine, settings_overrides, http, job_id, build)
    finished = await job(db_engine, job_id)
    assert seen == [("running", 7)]
    assert (finished["status"], finished["row_count"]) == ("done", 9)
    assert finished["finished_at"] is not None

    await run(db_engine, settings_overrides, http, job_id, build)  # a repeated delivery
    assert seen == [("running", 7)]  # the builder did not run again


async def test_a_builder_error_fails_the_job_with_its_reason_and_undoes_its_writes(
    db_engine: AsyncEngine, job_id: Any, settings_overrides: dict[str, Any], http: httpx.AsyncClient
) -> None:
    async def refuse(delivery: Delivery, row: RowMapping, _: ExportProgress) -> dict[str, Any]:
        await delivery.session.execute(
            update(trademark_export)
            .where(trademark_export.c.id == row["id"])
            .values(estimated_rows=999)
        )
        raise ExportError("the register changed shape")

    await run(db_engine, settings_overrides, http, job_id, refuse)
    failed = await job(db_engine, job_id)
    assert (failed["status"], failed["error"]) == ("failed", "the register changed shape")
    assert failed["estimated_rows"] == 10


async def test_an_unexpected_error_is_not_shown_as_it_is(
    db_engine: AsyncEngine, job_id: Any, settings_overrides: dict[str, Any], http: httpx.AsyncClient
) -> None:
    async def crash(delivery: Delivery, row: RowMapping, _: ExportProgress) -> dict[str, Any]:
        raise OSError("/srv/secret/open-data: permission denied")

    await run(db_engine, settings_overrides, http, job_id, crash)
    failed = await job(db_engine, job_id)
    assert (failed["status"], failed["error"]) == ("failed", "the export could not be built")


def test_the_query_hash_ignores_key_order_but_not_values() -> None:
    first = query_hash({"format": "csv", "nice_class": [5, 9], "q": None})
    same = query_hash({"q": None, "nice_class": [5, 9], "format": "csv"})
    other = query_hash({"q": None, "nice_class": [5, 9], "format": "jsonl"})
    assert first == same != other
    assert len(first) == 64
