"""Audit writer, sealer and verifier on the real database (the investment schema)."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.audit import (
    AuditEvent,
    AuditTrail,
    BreakReason,
    Outcome,
    seal_pending,
    verify_chain,
)
from common.driver import DriverPool
from common.observability.logging import configure_logging
from common.settings import ServiceSettings
from services.registry import SERVICES

TABLES = SERVICES["investment"].tables
AUDIT = '"investment".audit_event'
KEY = b"test-audit-key-0123456789abcdef"

pytestmark = pytest.mark.usefixtures("clean_backends")


def event(record_id: str = "F-1", action: str = "filing.submit") -> AuditEvent:
    return AuditEvent(
        actor="officer-7",
        actor_role="officer",
        action=action,
        record_type="filing",
        record_id=record_id,
        client_ip="198.51.100.7",
        request_id="req-00000001",
        details={"amount": 12.5, "名稱": "台積電", "nested": {"b": 1, "a": [1, 2]}},
    )


async def write(engine: AsyncEngine, count: int, trail: AuditTrail | None = None) -> list[int]:
    trail = trail or AuditTrail(TABLES.audit_event, KEY)
    async with AsyncSession(engine) as session:
        ids = [await trail.record(session, event(f"F-{n}")) for n in range(count)]
        await session.commit()
    return ids


async def sql(engine: AsyncEngine, statement: str, **params: object) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(statement), params)


async def test_event_commits_with_the_caller_and_not_without(db_engine: AsyncEngine) -> None:
    trail = AuditTrail(TABLES.audit_event, KEY)
    async with AsyncSession(db_engine) as session:
        await trail.record(session, event("kept"))
        await session.commit()
        await trail.record(session, event("rolled-back"))
        await session.rollback()
    async with db_engine.connect() as connection:
        rows = (await connection.execute(text(f"SELECT record_id, seq FROM {AUDIT}"))).all()
    assert [tuple(row) for row in rows] == [("kept", None)]


async def test_untouched_chain_verifies(db_engine: AsyncEngine) -> None:
    await write(db_engine, 5)
    report = await seal_pending(db_engine, TABLES, KEY)
    result = await verify_chain(db_engine, TABLES, KEY)
    assert report.sealed == 5 and report.head_seq == 5
    assert result.ok and result.checked == 5
    assert result.head_seq == 5 and result.head_chain_mac == report.head_chain_mac


async def test_modified_row_is_named(db_engine: AsyncEngine) -> None:
    ids = await write(db_engine, 5)
    await seal_pending(db_engine, TABLES, KEY)
    await sql(db_engine, f"UPDATE {AUDIT} SET outcome = 'denied' WHERE id = :id", id=ids[2])
    result = await verify_chain(db_engine, TABLES, KEY)
    assert result.broken is not None
    assert (result.broken.id, result.broken.reason) == (ids[2], BreakReason.ROW_MAC_MISMATCH)


async def test_modified_details_are_named(db_engine: AsyncEngine) -> None:
    ids = await write(db_engine, 3)
    await seal_pending(db_engine, TABLES, KEY)
    await sql(
        db_engine,
        f"UPDATE {AUDIT} SET details = details || '{{\"amount\": 99}}' WHERE id = :id",
        id=ids[1],
    )
    result = await verify_chain(db_engine, TABLES, KEY)
    assert result.broken is not None and result.broken.id == ids[1]


async def delete_bypassing_the_guard(engine: AsyncEngine, row_id: int) -> None:
    """What only a superuser can do: switch off ordinary triggers, the append-only guard too."""
    async with engine.begin() as connection:
        await connection.execute(text("SET LOCAL session_replication_role = replica"))
        await connection.execute(text(f"DELETE FROM {AUDIT} WHERE id = :id"), {"id": row_id})


@pytest.mark.parametrize("sealed", [False, True], ids=["unsealed", "sealed"])
async def test_deleting_an_audit_row_is_refused_and_changes_nothing(
    db_engine: AsyncEngine, sealed: bool
) -> None:
    """Unsealed rows are in no chain yet: a deletion before the sealer runs would leave no
    trace, so the table refuses every DELETE, sealed or not."""
    ids = await write(db_engine, 3)
    if sealed:
        await seal_pending(db_engine, TABLES, KEY)
    for statement in (f"DELETE FROM {AUDIT} WHERE id = {ids[1]}", f"DELETE FROM {AUDIT}"):
        with pytest.raises(DBAPIError) as refused:
            await sql(db_engine, statement)
        assert getattr(refused.value.orig, "sqlstate", None) == "42501"
        assert "append-only" in str(refused.value.orig)
    async with db_engine.connect() as connection:
        kept = (await connection.execute(text(f"SELECT id FROM {AUDIT} ORDER BY id"))).scalars()
        assert list(kept) == ids
    await seal_pending(db_engine, TABLES, KEY)
    assert (await verify_chain(db_engine, TABLES, KEY)).checked == 3


async def test_deleted_sealed_row_names_the_next_row(db_engine: AsyncEngine) -> None:
    ids = await write(db_engine, 5)
    await seal_pending(db_engine, TABLES, KEY)
    await delete_bypassing_the_guard(db_engine, ids[1])
    result = await verify_chain(db_engine, TABLES, KEY)
    assert result.broken is not None
    assert (result.broken.id, result.broken.reason) == (ids[2], BreakReason.SEQ_GAP)


async def test_modified_chain_mac_is_named(db_engine: AsyncEngine) -> None:
    ids = await write(db_engine, 4)
    await seal_pending(db_engine, TABLES, KEY)
    await sql(db_engine, f"UPDATE {AUDIT} SET chain_mac = row_mac WHERE id = :id", id=ids[3])
    result = await verify_chain(db_engine, TABLES, KEY)
    assert result.broken is not None
    assert (result.broken.id, result.broken.reason) == (ids[3], BreakReason.CHAIN_MAC_MISMATCH)


async def test_reordered_seq_is_named(db_engine: AsyncEngine) -> None:
    ids = await write(db_engine, 4)
    await seal_pending(db_engine, TABLES, KEY)
    # swap the seq of rows 2 and 3 (seq is unique, so through a free value)
    async with db_engine.begin() as connection:
        for row_id, seq in ((ids[1], -1), (ids[2], 2), (ids[1], 3)):
            await connection.execute(
                text(f"UPDATE {AUDIT} SET seq = :seq WHERE id = :id"), {"seq": seq, "id": row_id}
            )
    result = await verify_chain(db_engine, TABLES, KEY)
    assert result.broken is not None
    assert (result.broken.id, result.broken.reason) == (ids[2], BreakReason.CHAIN_MAC_MISMATCH)


async def test_tampered_unsealed_row_is_named(db_engine: AsyncEngine) -> None:
    ids = await write(db_engine, 3)
    await sql(db_engine, f"UPDATE {AUDIT} SET actor = 'mallory' WHERE id = :id", id=ids[0])
    result = await verify_chain(db_engine, TABLES, KEY)
    assert result.broken is not None
    assert (result.broken.id, result.broken.seq) == (ids[0], None)


async def test_another_key_cannot_verify(db_engine: AsyncEngine) -> None:
    ids = await write(db_engine, 2)
    await seal_pending(db_engine, TABLES, KEY)
    result = await verify_chain(db_engine, TABLES, b"some-other-key")
    assert result.broken is not None and result.broken.id == ids[0]


async def test_concurrent_writers_and_sealers_give_one_gapless_chain(
    db_engine: AsyncEngine,
) -> None:
    trail = AuditTrail(TABLES.audit_event, KEY, id_block=4)
    await asyncio.gather(*(write(db_engine, 5, trail) for _ in range(20)))
    reports = await asyncio.gather(
        *(seal_pending(db_engine, TABLES, KEY, batch_size=7) for _ in range(4))
    )
    async with db_engine.connect() as connection:
        seqs = (await connection.execute(text(f"SELECT seq FROM {AUDIT} ORDER BY seq"))).scalars()
        assert list(seqs) == list(range(1, 101))
    assert sum(report.sealed for report in reports) == 100
    assert (await verify_chain(db_engine, TABLES, KEY, batch_size=9)).ok


async def test_later_events_extend_the_sealed_chain(db_engine: AsyncEngine) -> None:
    await write(db_engine, 3)
    await seal_pending(db_engine, TABLES, KEY)
    await write(db_engine, 2)
    async with AsyncSession(db_engine) as session:
        report = await seal_pending(session, TABLES, KEY)
        await session.commit()
    assert (report.sealed, report.head_seq) == (2, 5)
    assert (await verify_chain(db_engine, TABLES, KEY)).ok


async def test_events_recorded_on_the_driver_join_the_same_chain(
    db_engine: AsyncEngine, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(json=True)
    capsys.readouterr()
    trail = AuditTrail(TABLES.audit_event, KEY, id_block=4)
    pool = DriverPool(
        ServiceSettings(database_url=database_url), purpose="test", size=1, read_only=False
    )
    try:
        await write(db_engine, 2, trail)
        async with pool.connection() as connection:
            ids = [await trail.record_on(connection, event(f"D-{n}")) for n in range(5)]
    finally:
        await pool.close()
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    logged = [line["audit_id"] for line in lines if line.get("logger") == "moea.audit"]
    report = await seal_pending(db_engine, TABLES, KEY)
    assert logged[-5:] == ids  # committed at once, so logged at once
    assert report.sealed == 7 and (await verify_chain(db_engine, TABLES, KEY)).ok


async def test_committed_event_is_logged_as_one_json_line(
    db_engine: AsyncEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(json=True)
    capsys.readouterr()
    trail = AuditTrail(TABLES.audit_event, KEY)
    async with AsyncSession(db_engine) as session:
        await trail.record(session, event("never", action="filing.withdraw"))
        await session.rollback()
        row_id = await trail.record(session, event("F-9", action="filing.approve"))
        assert capsys.readouterr().out == ""  # not before the commit
        await session.commit()
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    audit_lines = [line for line in lines if line.get("logger") == "moea.audit"]
    assert len(audit_lines) == 1
    line = audit_lines[0]
    assert (line["audit_id"], line["action"], line["record_id"]) == (
        row_id,
        "filing.approve",
        "F-9",
    )
    assert line["outcome"] == Outcome.SUCCESS and "row_mac" not in line


async def test_copy_of_a_row_under_another_id_is_named(db_engine: AsyncEngine) -> None:
    """The id is bound into the row MAC: a copy of a row under a new id does not verify."""
    ids = await write(db_engine, 1)
    columns = (
        "occurred_at, actor, actor_role, action, record_type, record_id, outcome, "
        "client_ip, request_id, details, row_mac"
    )
    await sql(
        db_engine,
        f"INSERT INTO {AUDIT} (id, {columns}) SELECT id + 1000, {columns} FROM {AUDIT} "
        "WHERE id = :id",
        id=ids[0],
    )
    result = await verify_chain(db_engine, TABLES, KEY)
    assert result.broken is not None and result.broken.id == ids[0] + 1000
