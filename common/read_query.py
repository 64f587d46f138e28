"""Hot reads straight on the driver: a Core SELECT compiled once, run on an asyncpg pool.

For the read-heavy public endpoints (validity checks, record lookups) the ORM session is most
of a request's cost: the platform bench measured SQLAlchemy's per-call work at about 40 % of a
PK-select request. A ``ReadQuery`` is still built with SQLAlchemy Core (never SQL from strings,
parameters always bound); it is compiled once to asyncpg's ``$n`` form and executed on a small
asyncpg pool that autocommits, like the session of a GET. Rows come back as asyncpg records with
the driver's own types (JSONB as text unless decoded), so use it for plain columns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import Select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.engine import make_url

from common.settings import ServiceSettings

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped


class ReadQuery:
    def __init__(self, statement: Select[Any]) -> None:
        compiled = statement.compile(dialect=_DIALECT)
        self.sql = str(compiled)
        self._names: Sequence[str] = tuple(compiled.positiontup or ())

    def _arguments(self, params: Mapping[str, Any]) -> list[Any]:
        missing = [name for name in self._names if name not in params]
        if missing:
            raise TypeError(f"missing query parameters: {', '.join(missing)}")
        return [params[name] for name in self._names]

    async def fetch_one(self, pool: ReadPool, **params: Any) -> asyncpg.Record | None:
        connection_pool = await pool.get()
        row: asyncpg.Record | None = await connection_pool.fetchrow(
            self.sql, *self._arguments(params)
        )
        return row

    async def fetch_all(self, pool: ReadPool, **params: Any) -> list[asyncpg.Record]:
        connection_pool = await pool.get()
        rows: list[asyncpg.Record] = await connection_pool.fetch(self.sql, *self._arguments(params))
        return rows


class ReadPool:
    """An asyncpg pool opened on first use (services without hot reads never open it)."""

    def __init__(self, settings: ServiceSettings) -> None:
        self._dsn = make_url(settings.database_url).set(drivername="postgresql")
        self._size = settings.database_read_pool_size
        self._server_settings = {
            "statement_timeout": str(settings.database_statement_timeout_ms),
            "application_name": f"moea-{settings.service_name}-read",
            "default_transaction_read_only": "on",  # this pool never writes
        }
        self._pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._lock:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(
                        self._dsn.render_as_string(hide_password=False),
                        min_size=1,
                        max_size=self._size,
                        server_settings=self._server_settings,
                        timeout=5,
                    )
        return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None


async def request_read_pool(request: Request) -> ReadPool:
    pool: ReadPool = request.app.state.read_pool
    return pool


ReadPoolDep = Annotated[ReadPool, Depends(request_read_pool)]
