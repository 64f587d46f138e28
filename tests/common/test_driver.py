"""DriverStatement, DriverPool and a session's own connection on real PostgreSQL: Core compiled
once, values bound as they are, JSON as dicts, a lost or cancelled statement a 503."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Integer, bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.driver import DriverPool, DriverStatement, session_connection
from common.errors import ServiceUnavailable
from common.settings import ServiceSettings
from tax_exemption.models import platform_tables
from tests.common.arrival_order import served_order

OUTBOX = platform_tables.outbox
NEW_MESSAGE = DriverStatement(
    insert(OUTBOX)
    .values(topic="case.filed", payload=bindparam("message", type_=OUTBOX.c.payload.type))
    .returning(OUTBOX.c.id, OUTBOX.c.topic, OUTBOX.c.payload)
)


def pool_for(database_url: str, *, timeout_ms: int = 15_000) -> DriverPool:
    settings = ServiceSettings(database_url=database_url, database_statement_timeout_ms=timeout_ms)
    return DriverPool(settings, purpose="test", size=2, read_only=False)


@pytest.fixture
async def pool(database_url: str, clean_backends: None) -> AsyncIterator[DriverPool]:
    writes = pool_for(database_url)
    yield writes
    await writes.close()


async def test_values_fixed_in_the_statement_are_sent_with_the_bound_ones(
    pool: DriverPool,
) -> None:
    message = {"filing_id": 7, "名稱": "台積電", "lines": [1, 2.5, None]}
    async with pool.connection() as connection:
        row = await NEW_MESSAGE.fetch_one(connection, message=message)

    assert row is not None
    assert (row["topic"], row["payload"]) == ("case.filed", message)  # JSON in, dict out


async def test_connections_carry_the_statement_timeout_application_name_and_no_jit(
    database_url: str, clean_backends: None
) -> None:
    reads = pool_for(database_url, timeout_ms=4321)
    try:
        async with reads.connection() as connection:
            settings = await connection.fetchrow(
                "SELECT current_setting('statement_timeout') AS timeout,"
                " current_setting('application_name') AS name, current_setting('jit') AS jit"
            )
    finally:
        await reads.close()
    assert settings is not None
    assert dict(settings) == {"timeout": "4321ms", "name": "moea-moea-test", "jit": "off"}


async def test_a_dedicated_connection_has_the_pools_settings_outside_the_pool(
    database_url: str, clean_backends: None
) -> None:
    settings = ServiceSettings(database_url=database_url, database_statement_timeout_ms=4321)
    reads = DriverPool(settings, purpose="test", size=1, read_only=True)
    try:
        async with reads.connection() as pooled, reads.dedicated() as dedicated:
            ours = await dedicated.fetchrow(
                "SELECT current_setting('statement_timeout') AS timeout,"
                " current_setting('application_name') AS name, current_setting('jit') AS jit,"
                " current_setting('default_transaction_read_only') AS read_only,"
                " pg_backend_pid() AS pid"
            )
            pooled_pid = await pooled.fetchval("SELECT pg_backend_pid()")
        assert dedicated.is_closed()
    finally:
        await reads.close()
    assert ours is not None
    assert ours["pid"] != pooled_pid  # the pool's one connection stayed with its request
    assert dict(ours) | {"pid": None} == {
        "timeout": "4321ms",
        "name": "moea-moea-test",
        "jit": "off",
        "read_only": "on",
        "pid": None,
    }


async def test_a_statement_commits_on_its_own(pool: DriverPool, db_engine: AsyncEngine) -> None:
    async with pool.connection() as connection:
        row = await NEW_MESSAGE.fetch_one(connection, message={"n": 1})
    assert row is not None

    async with db_engine.connect() as connection:
        stored = await connection.scalar(select(OUTBOX.c.payload).where(OUTBOX.c.id == row["id"]))
    assert stored == {"n": 1}


async def test_integers_beyond_64_bits_are_stored_exactly(
    pool: DriverPool, db_engine: AsyncEngine
) -> None:
    async with pool.connection() as connection:
        row = await NEW_MESSAGE.fetch_one(connection, message={"big": 10**30})
    assert row is not None

    async with db_engine.connect() as connection:
        stored = await connection.scalar(select(OUTBOX.c.payload).where(OUTBOX.c.id == row["id"]))
    assert stored == {"big": 10**30}


async def test_a_missing_value_is_refused_before_the_database(pool: DriverPool) -> None:
    async with pool.connection() as connection:
        with pytest.raises(TypeError, match="message"):
            await NEW_MESSAGE.fetch_one(connection)


def test_an_expanding_in_is_refused_when_compiled() -> None:
    with pytest.raises(ValueError, match="any_"):
        DriverStatement(select(OUTBOX.c.id).where(OUTBOX.c.topic.in_(["a", "b"])))


async def test_a_cancelled_statement_is_a_503(database_url: str, clean_backends: None) -> None:
    impatient = pool_for(database_url, timeout_ms=100)
    sleep = DriverStatement(select(func.pg_sleep(bindparam("seconds", type_=Integer))))
    try:
        async with impatient.connection() as connection:
            with pytest.raises(ServiceUnavailable) as raised:
                await sleep.fetch_one(connection, seconds=2)
    finally:
        await impatient.close()
    assert raised.value.headers == {"Retry-After": "1"}


async def test_a_transaction_left_open_ends_with_the_release(
    pool: DriverPool, db_engine: AsyncEngine
) -> None:
    async with pool.connection() as connection:
        await connection.transaction().start()  # never committed
        await NEW_MESSAGE.fetch_one(connection, message={"n": 1})
    async with pool.connection() as connection:
        await NEW_MESSAGE.fetch_one(connection, message={"n": 2})

    async with db_engine.connect() as connection:
        payloads = (await connection.execute(select(OUTBOX.c.payload))).scalars().all()
    assert payloads == [{"n": 2}]


async def test_requests_get_connections_in_the_order_they_asked(pool: DriverPool) -> None:
    """At saturation a request arriving between a release and a waiter's wake-up must not take
    the connection: the waiter would go to the back of the line (asyncpg's own queue let one
    request be overtaken by hundreds of later ones)."""
    async with pool.connection(), pool.connection():
        pass  # both of the pool's connections are open: none is slow to connect below
    served = await served_order(pool.connection, lambda connection: connection.fetchval("SELECT 1"))

    assert served == list(range(200))


async def test_a_request_that_gave_up_waiting_leaves_its_turn(
    database_url: str, clean_backends: None
) -> None:
    impatient = pool_for(database_url, timeout_ms=100)
    try:
        async with impatient.connection(), impatient.connection():
            with pytest.raises(ServiceUnavailable):
                async with impatient.connection():
                    pass  # the pool's two connections are taken: this waits, then gives up
        async with impatient.connection(), impatient.connection():
            pass  # both turns are back
    finally:
        await impatient.close()


async def test_a_session_lends_its_connection_inside_its_transaction(
    db_engine: AsyncEngine, clean_backends: None
) -> None:
    """Even as the session's first statement, a driver statement runs in the session's
    transaction (SQLAlchemy begins it lazily): a rollback takes it back."""
    async with AsyncSession(db_engine) as session, session.begin():
        driver = await session_connection(session)
        # The session's connection keeps SQLAlchemy's codecs: JSON goes as text there.
        await NEW_MESSAGE.fetch_one(driver, message='{"n": 1}')
        assert await session.scalar(select(func.count()).select_from(OUTBOX)) == 1
        await session.rollback()

    async with AsyncSession(db_engine) as session:
        assert await session.scalar(select(func.count()).select_from(OUTBOX)) == 0
