"""The apps ``bench/platform.py`` measures, each served by its own uvicorn process.

All routes answer ``GET /items/{item_id}`` with the same ``Item`` document, so the differences
between them are the driver (raw asyncpg, the platform's ``ReadQuery`` path, the ORM session)
and the platform (middleware, auth, commit route), not the payload. Configuration comes from
the ``MOEA_BENCH_PLATFORM`` environment variable (JSON), read when uvicorn calls a factory,
never at import time.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, FastAPI
from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Integer, String, Table, bindparam, select

from common.app_factory import ServiceDefinition, create_service_app
from common.audit import AuditDep
from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep, service_metadata
from common.errors import NotFound
from common.platform_tables import PlatformTables
from common.read_query import ReadPoolDep, ReadQuery
from common.settings import ServiceSettings

CONFIG_VARIABLE = "MOEA_BENCH_PLATFORM"
SCHEMA = "bench"
SELECT_ITEM = (
    f"SELECT id, name, owner_business_id, status, updated_at FROM {SCHEMA}.item WHERE id = $1"
)

metadata = service_metadata(SCHEMA)
item_table = Table(
    "item",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("owner_business_id", String(8), nullable=False),
    Column("status", String(20), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
platform_tables = PlatformTables.define(metadata)


class Item(BaseModel):
    id: int
    name: str
    owner_business_id: str
    status: str
    updated_at: datetime


class BenchSettings(ServiceSettings):
    service_name = "bench"
    db_schema = SCHEMA


def _config() -> dict[str, Any]:
    config: dict[str, Any] = json.loads(os.environ[CONFIG_VARIABLE])
    return config


# (a) the framework alone ---------------------------------------------------------------------

_BARE_UPDATED_AT = datetime(2024, 1, 1, tzinfo=UTC)


def bare_app() -> FastAPI:
    app = FastAPI()

    @app.get("/items/{item_id}", response_model=Item)
    async def read_item(item_id: int) -> Any:
        return {
            "id": item_id,
            "name": "bare",
            "owner_business_id": "12345678",
            "status": "active",
            "updated_at": _BARE_UPDATED_AT,
        }

    return app


# (b) one PK select on a raw asyncpg pool -----------------------------------------------------


def raw_asyncpg_app() -> FastAPI:
    config = _config()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        size = config["pool_size"]
        app.state.pool = await asyncpg.create_pool(config["dsn"], min_size=size, max_size=size)
        try:
            yield
        finally:
            await app.state.pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/items/{item_id}", response_model=Item)
    async def read_item(item_id: int) -> Any:
        row = await app.state.pool.fetchrow(SELECT_ITEM, item_id)
        if row is None:
            raise NotFound()
        return dict(row)

    return app


# (c) the same select through the platform: its hot-read path --------------------------------

ItemReader = Annotated[Principal, Depends(require_roles(Role.OFFICER, Role.ADMIN))]

# Built once: SQLAlchemy caches its compiled form, and rebuilding it per call costs more than
# the query does on the driver (how a repository should hold its hot statements).
ITEM_BY_ID = select(item_table).where(item_table.c.id == bindparam("item_id"))
ITEM_BY_ID_READ = ReadQuery(ITEM_BY_ID)

items_router = ServiceRouter(prefix="/items", tags=["items"])


@items_router.get("/{item_id}", response_model=Item)
async def read_item(item_id: int, reads: ReadPoolDep, _principal: ItemReader) -> Any:
    row = await ITEM_BY_ID_READ.fetch_one(reads, item_id=item_id)
    if row is None:
        raise NotFound()
    return dict(row)


def full_stack_app() -> FastAPI:
    return create_service_app(_definition([items_router]))


# (c') the same through the ORM session (SessionDep), for comparison ---------------------------

session_router = ServiceRouter(prefix="/items", tags=["items"])


@session_router.get("/{item_id}", response_model=Item)
async def read_item_in_session(item_id: int, session: SessionDep, _principal: ItemReader) -> Any:
    row = (await session.execute(ITEM_BY_ID, {"item_id": item_id})).mappings().one_or_none()
    if row is None:
        raise NotFound()
    return row


def full_stack_session_app() -> FastAPI:
    return create_service_app(_definition([session_router]))


# (d) the same, as an audited read of personal data: one audit event per request -------------

audited_router = ServiceRouter(prefix="/items", tags=["items"])


@audited_router.get("/{item_id}", response_model=Item)
async def read_item_audited(
    item_id: int, session: SessionDep, _principal: ItemReader, audit: AuditDep
) -> Any:
    row = (await session.execute(ITEM_BY_ID, {"item_id": item_id})).mappings().one_or_none()
    if row is None:
        raise NotFound()
    await audit.record("item.read", "item", str(item_id))
    return row


def audited_app() -> FastAPI:
    return create_service_app(_definition([audited_router]))


def _definition(routers: list[ServiceRouter]) -> ServiceDefinition:
    config = _config()
    settings = BenchSettings(**config["settings"])
    return ServiceDefinition(
        name="bench",
        title="platform benchmark",
        description="One PK select through the platform's session layer.",
        settings=settings,
        tables=platform_tables,
        routers=routers,
    )
