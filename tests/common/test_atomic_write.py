"""guarded_write on real PostgreSQL: the change, its audit row, its outbox message and its stored
response land together in one statement, or nothing does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from common.atomic_write import guarded_write
from common.audit import AuditSource, AuditTrail, audit_follower, seal_pending, verify_chain
from common.driver import DriverPool, DriverStatement
from common.idempotency import IdempotentRequest, KeyRecord, StoredResponse, replayed
from common.idempotent_write import is_key_taken, response_follower, response_params
from common.jobs import message_params, outbox_follower
from common.pii import FieldCipher
from common.settings import ServiceSettings
from services.registry import SERVICES

TABLES = SERVICES["investment"].tables
OUTBOX, KEYS, AUDIT = TABLES.outbox, TABLES.idempotency_key, TABLES.audit_event
KEY = b"test-audit-key-0123456789abcdef"
SOURCE = AuditSource(actor="officer-7", actor_role="officer", client_ip="198.51.100.7")
CLAIM = IdempotentRequest("officer-7", "retry-1", "POST", "/cases/1/approve", b"\x01" * 32)
RESPONSE = StoredResponse(201, {"content-type": "application/json"}, b'{"approved":true}')
CIPHER = FieldCipher.from_settings(ServiceSettings())

# The "case" changed here is an outbox row: its attempts play the role of a version.
APPROVE = DriverStatement(
    guarded_write(
        update(OUTBOX)
        .where(OUTBOX.c.id == bindparam("case_id"), OUTBOX.c.attempts == bindparam("expected"))
        .values(attempts=OUTBOX.c.attempts + 1)
        .returning(OUTBOX.c.id, OUTBOX.c.attempts),
        audit_follower(AUDIT),
        outbox_follower(TABLES),
        response_follower(KEYS),
    )
)


@pytest.fixture
async def pool(database_url: str, clean_backends: None) -> AsyncIterator[DriverPool]:
    writes = DriverPool(
        ServiceSettings(database_url=database_url), purpose="test", size=3, read_only=False
    )
    yield writes
    await writes.close()


async def new_case(engine: AsyncEngine) -> int:
    async with engine.begin() as connection:
        statement = insert(OUTBOX).values(topic="case.opened", payload={}).returning(OUTBOX.c.id)
        return int((await connection.execute(statement)).scalar_one())


async def approve(
    pool: DriverPool, trail: AuditTrail, case_id: int, expected: int
) -> tuple[asyncpg.Record | None, dict[str, Any]]:
    async with pool.connection() as connection:
        event = SOURCE.event("case.approve", "case", str(case_id), details={"n": expected})
        audit = await trail.row(connection, event)
        params = {
            **trail.params(audit),
            **message_params("case.approved", {"case_id": case_id}),
            **response_params(CLAIM, RESPONSE, CIPHER),
        }
        row = await APPROVE.fetch_one(connection, case_id=case_id, expected=expected, **params)
    return row, audit


async def counts(engine: AsyncEngine) -> tuple[int, int, int]:
    """(outbox messages, audit rows, stored responses)."""
    async with engine.connect() as connection:
        return (
            int(await connection.scalar(select(func.count()).select_from(OUTBOX)) or 0),
            int(await connection.scalar(select(func.count()).select_from(AUDIT)) or 0),
            int(await connection.scalar(select(func.count()).select_from(KEYS)) or 0),
        )


async def test_the_change_and_its_followers_land_together(
    pool: DriverPool, db_engine: AsyncEngine
) -> None:
    case_id = await new_case(db_engine)
    trail = AuditTrail(AUDIT, KEY)

    row, audit = await approve(pool, trail, case_id, expected=0)

    assert row is not None and (row["id"], row["attempts"]) == (case_id, 1)
    assert await counts(db_engine) == (2, 1, 1)
    async with db_engine.connect() as connection:
        message = await connection.scalar(
            select(OUTBOX.c.payload).where(OUTBOX.c.topic == "case.approved")
        )
        stored = (await connection.execute(select(KEYS.c.response_body, KEYS.c.path))).one()
        audit_id = await connection.scalar(select(AUDIT.c.id))
    assert message == {"case_id": case_id}
    assert stored.path == CLAIM.path and RESPONSE.body not in stored.response_body
    record = KeyRecord(CLAIM.fingerprint, StoredResponse(201, {}, stored.response_body))
    assert replayed(record, CLAIM, CIPHER).body == RESPONSE.body  # sealed, and opens
    assert audit_id == audit["id"]
    await seal_pending(db_engine, TABLES, KEY)
    assert (await verify_chain(db_engine, TABLES, KEY)).ok  # the MAC made for the driver holds


async def test_nothing_is_written_when_the_guard_does_not_hold(
    pool: DriverPool, db_engine: AsyncEngine
) -> None:
    case_id = await new_case(db_engine)

    row, _ = await approve(pool, AuditTrail(AUDIT, KEY), case_id, expected=5)

    assert row is None
    assert await counts(db_engine) == (1, 0, 0)


async def test_a_failing_follower_undoes_the_change(
    pool: DriverPool, db_engine: AsyncEngine
) -> None:
    case_id, other = await new_case(db_engine), await new_case(db_engine)
    trail = AuditTrail(AUDIT, KEY)
    await approve(pool, trail, other, expected=0)  # stores the response of CLAIM's key

    with pytest.raises(asyncpg.UniqueViolationError) as raised:
        await approve(pool, trail, case_id, expected=0)

    assert is_key_taken(raised.value, KEYS)
    assert await counts(db_engine) == (3, 1, 1)  # only the first approval's rows
    async with db_engine.connect() as connection:
        attempts = await connection.scalar(select(OUTBOX.c.attempts).where(OUTBOX.c.id == case_id))
    assert attempts == 0


async def test_of_two_concurrent_twins_one_changes(
    pool: DriverPool, db_engine: AsyncEngine
) -> None:
    case_id = await new_case(db_engine)
    trail = AuditTrail(AUDIT, KEY)

    outcomes = await asyncio.gather(
        approve(pool, trail, case_id, expected=0),
        approve(pool, trail, case_id, expected=0),
        return_exceptions=True,
    )

    changed = [o for o in outcomes if isinstance(o, tuple) and o[0] is not None]
    assert len(changed) == 1
    assert await counts(db_engine) == (2, 1, 1)
