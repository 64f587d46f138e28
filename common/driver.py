"""Statements straight on the driver: SQLAlchemy Core compiled once, run on an asyncpg pool.

On a hot path the ORM session is most of the Python a request spends on the database: a
one-statement session costs about 300 µs of CPU against 30 µs for the same statement on a
bare asyncpg connection. A ``DriverStatement`` is still built with SQLAlchemy Core (never SQL
from strings, values always bound); it is compiled once to asyncpg's ``$n`` form and run on a
``DriverPool`` connection. The pool's connections autocommit, so a lone statement is its own
transaction: combine it with ``common.atomic_write`` to make a state change and everything that
must commit with it one statement and one round trip.

Values go to the driver as they are, because SQLAlchemy's type processors do not run here:
bind plain Python values. JSON columns take and give dicts and lists (the pool encodes and
decodes json/jsonb with orjson, which reads integers beyond 64 bits as floats: bound them at
the edge). An expanding ``IN`` cannot be compiled once: compare with ``any_()`` of an array.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeAlias

import asyncpg
import orjson
from asyncpg import Record
from asyncpg.pool import PoolConnectionProxy
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from common.database import connection_settings
from common.errors import ServiceUnavailable
from common.settings import ServiceSettings

__all__ = [
    "Connection",
    "DriverPool",
    "DriverStatement",
    "Executor",
    "command_row_count",
    "session_connection",
    "write_pool_lifespan",
]

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped
# Connection lost (08), serialization failure or deadlock (40), out of resources (53),
# shutdown or cancelled (57): the same request may well succeed in a moment.
_TRANSIENT_SQLSTATE_CLASSES = ("08", "40", "53", "57")
_JSONB_VERSION = b"\x01"  # jsonb's binary wire format: a version byte, then the JSON text

# Strings: asyncpg's classes are generic only in its type stubs, not at run time.
Connection: TypeAlias = "PoolConnectionProxy[Record]"
"""A connection lent by a ``DriverPool`` for the statements of one request."""
Executor: TypeAlias = (
    "asyncpg.Connection[asyncpg.Record] | Connection | asyncpg.Pool[asyncpg.Record]"
)
"""Where a statement runs: a connection, or a pool (for one statement)."""


class DriverStatement:
    """A Core statement compiled once; each run binds its values by name."""

    def __init__(self, statement: ClauseElement) -> None:
        compiled = statement.compile(dialect=_DIALECT)
        assert isinstance(compiled, SQLCompiler)  # a statement, not a DDL element
        self.sql = str(compiled)
        if "__[POSTCOMPILE_" in self.sql:
            raise ValueError("an expanding IN cannot be compiled once: use column == any_(array)")
        self._names: Sequence[str] = tuple(compiled.positiontup or ())
        # Values fixed in the statement itself (e.g. ``.values(status="submitted")``).
        self._fixed = {
            name: bind.effective_value
            for name, bind in compiled.binds.items()
            if not bind.required and name in self._names
        }

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        missing = [name for name in self._names if name not in params and name not in self._fixed]
        if missing:
            raise TypeError(f"missing query parameters: {', '.join(missing)}")
        fixed = self._fixed
        return [params[name] if name in params else fixed[name] for name in self._names]

    async def fetch_one(self, executor: Executor, **params: Any) -> asyncpg.Record | None:
        with translated_errors():
            row: asyncpg.Record | None = await executor.fetchrow(self.sql, *self.arguments(params))
        return row

    async def fetch_all(self, executor: Executor, **params: Any) -> list[asyncpg.Record]:
        with translated_errors():
            rows: list[asyncpg.Record] = await executor.fetch(self.sql, *self.arguments(params))
        return rows

    async def execute(self, executor: Executor, **params: Any) -> None:
        with translated_errors():
            await executor.execute(self.sql, *self.arguments(params))


_OPEN = text("SELECT 1")


async def session_connection(session: AsyncSession) -> asyncpg.Connection[Record]:
    """The asyncpg connection under a session's, inside the session's transaction: for bulk
    reads and writes (COPY, arrays of a whole batch) that SQLAlchemy's per-row result and
    parameter processing would make cost as much as the work itself.

    SQLAlchemy opens the asyncpg transaction lazily, on the session's first statement: a
    statement sent to the driver before that one would run, and commit, on its own. A session
    that has sent none yet sends a trivial one first.
    """
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    found = raw.driver_connection
    if not isinstance(found, asyncpg.Connection):
        raise TypeError("driver statements need the asyncpg driver")
    if not found.is_in_transaction():
        await connection.execute(_OPEN)
    if not found.is_in_transaction():
        raise RuntimeError("the session holds no transaction for the driver to run in")
    return found


def command_row_count(status: str) -> int:
    """The rows a command touched, from asyncpg's status tag (``UPDATE 12``, ``COPY 3``)."""
    return int(status.rsplit(" ", 1)[-1])


@contextmanager
def translated_errors() -> Iterator[None]:
    """A lost or overloaded database is a 503 with Retry-After, as on the session path."""
    try:
        yield
    except asyncpg.PostgresError as exc:
        if str(exc.sqlstate or "")[:2] in _TRANSIENT_SQLSTATE_CLASSES:
            raise _unavailable() from exc
        raise
    except (OSError, TimeoutError, asyncpg.InterfaceError) as exc:
        raise _unavailable() from exc


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("database unavailable", headers={"Retry-After": "1"})


class DriverPool:
    """An asyncpg pool opened on first use (a service that never needs it never opens it)."""

    def __init__(
        self, settings: ServiceSettings, *, purpose: str, size: int, read_only: bool
    ) -> None:
        self._dsn = make_url(settings.database_url).set(drivername="postgresql")
        self._size = size
        self._acquire_timeout = settings.database_statement_timeout_ms / 1000
        self._server_settings = connection_settings(
            settings, f"moea-{settings.service_name}-{purpose}"
        )
        if read_only:
            self._server_settings["default_transaction_read_only"] = "on"
        self._pool: asyncpg.Pool[asyncpg.Record] | None = None
        self._lock = asyncio.Lock()
        # One turn per connection, handed to waiting requests first come, first served.
        self._turns = asyncio.Semaphore(size)

    async def get(self) -> asyncpg.Pool[asyncpg.Record]:
        if self._pool is None:
            async with self._lock:
                if self._pool is None:
                    with translated_errors():
                        self._pool = await self._create()
        return self._pool

    async def _create(self) -> asyncpg.Pool[asyncpg.Record]:
        pool: asyncpg.Pool[asyncpg.Record] = await asyncpg.create_pool(
            self._dsn.render_as_string(hide_password=False),
            min_size=1,
            max_size=self._size,
            server_settings=self._server_settings,
            init=_json_codecs,
            reset=_nothing_to_reset,
            timeout=5,
        )
        return pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """One connection for the statements of a request, back to the pool afterwards.

        Requests get connections in the order they asked. asyncpg's queue is not fair: a
        request arriving between a release and the waiter's wake-up takes the connection, and
        the waiter goes to the back of the line. At saturation some requests were overtaken by
        hundreds of later ones (a p99 ten times the p50). A turn (the semaphore, which hands a
        release straight to the longest waiter) is taken first, so the pool never makes anyone
        wait: while a request holds a turn, a connection is free for it.
        """
        pool = await self.get()
        turns = self._turns
        # asyncio.timeout rather than acquire(timeout=...): asyncpg's own timeout costs a task.
        with translated_errors():
            async with asyncio.timeout(self._acquire_timeout):
                await turns.acquire()
                try:
                    connection = await pool.acquire()
                except BaseException:
                    turns.release()
                    raise
        try:
            yield connection
        finally:
            try:
                await pool.release(connection)
            finally:
                turns.release()

    @asynccontextmanager
    async def dedicated(self) -> AsyncIterator[asyncpg.Connection[Record]]:
        """A connection of its own, outside the pool, with the pool's settings: for a long read
        (loading an in-memory index) that must not hold one of the requests' connections."""
        with translated_errors():
            connection: asyncpg.Connection[Record] = await asyncpg.connect(
                self._dsn.render_as_string(hide_password=False),
                server_settings=self._server_settings,
                timeout=5,
            )
        try:
            yield connection
        finally:
            await connection.close()

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None


async def _nothing_to_reset(connection: asyncpg.Connection[Record]) -> None:
    """A released connection is ready as it is: its statements leave no session state (no SET,
    LISTEN, cursor or session lock), and asyncpg has rolled back any open transaction by now.
    asyncpg's default reset would cost a round trip (RESET ALL, UNLISTEN *, ...) per request."""


async def _json_codecs(connection: asyncpg.Connection[asyncpg.Record]) -> None:
    await connection.set_type_codec(
        "json", schema="pg_catalog", encoder=_json, decoder=orjson.loads, format="binary"
    )
    await connection.set_type_codec(
        "jsonb", schema="pg_catalog", encoder=_jsonb, decoder=_from_jsonb, format="binary"
    )


def _json(value: Any) -> bytes:
    """JSON as PostgreSQL stores it. orjson stops at 64-bit integers, which json(b) does not:
    those values go through the standard library instead. (NaN and infinities, which JSON
    lacks, become null: refuse them at the edge.)"""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _jsonb(value: Any) -> bytes:
    return _JSONB_VERSION + _json(value)


def _from_jsonb(data: bytes) -> Any:
    return orjson.loads(data[1:])


@asynccontextmanager
async def write_pool_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """A service lifespan (``ServiceDefinition.lifespans``) that keeps ``app.state.write_pool``:
    a pool of ``database_pool_size`` connections that may write, closed at shutdown."""
    settings: ServiceSettings = app.state.settings
    pool = DriverPool(settings, purpose="write", size=settings.database_pool_size, read_only=False)
    app.state.write_pool = pool
    try:
        yield
    finally:
        await pool.close()
