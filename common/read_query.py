"""Hot reads straight on the driver: a Core SELECT compiled once, run on a read-only pool.

For the read-heavy public endpoints (validity checks, record lookups) the ORM session is most
of a request's cost: the platform bench measured SQLAlchemy's per-call work at about 40 % of a
PK-select request. A ``ReadQuery`` is a ``common.driver.DriverStatement`` (built with
SQLAlchemy Core, never SQL from strings, parameters always bound) executed on a small asyncpg
pool whose connections refuse writes and autocommit, like the session of a GET. Rows come back
as asyncpg records with the driver's own types (JSON decoded to dicts and lists).
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import Select

from common.driver import DriverPool, DriverStatement
from common.settings import ServiceSettings


class ReadPool(DriverPool):
    """The read-only pool (``database_read_pool_size`` connections), opened on first use."""

    def __init__(self, settings: ServiceSettings) -> None:
        super().__init__(
            settings, purpose="read", size=settings.database_read_pool_size, read_only=True
        )


class ReadQuery:
    def __init__(self, statement: Select[Any]) -> None:
        self._statement = DriverStatement(statement)
        self.sql = self._statement.sql

    async def fetch_one(self, pool: ReadPool, **params: Any) -> asyncpg.Record | None:
        return await self._statement.fetch_one(await pool.get(), **params)

    async def fetch_all(self, pool: ReadPool, **params: Any) -> list[asyncpg.Record]:
        return await self._statement.fetch_all(await pool.get(), **params)


async def request_read_pool(request: Request) -> ReadPool:
    pool: ReadPool = request.app.state.read_pool
    return pool


ReadPoolDep = Annotated[ReadPool, Depends(request_read_pool)]
