"""A small service built with ``create_service_app`` to test the platform's edge contracts.

Its records live in a scratch schema of the test database (``edge_scratch``), so the tests read
and write real rows through the real session layer, auth middleware and error handlers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel
from redis.asyncio import Redis
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from common.app_factory import ServiceDefinition, create_service_app
from common.auth import Principal, Role, ensure_same_business, require_roles
from common.database import ServiceRouter, SessionDep
from common.errors import Conflict, NotFound
from common.fields import Int64, PositiveInt64, SafeText
from common.pagination import Cursor, Limit, Page, keyset_page, split_page
from common.settings import ServiceSettings
from tax_exemption.models import platform_tables

SCHEMA = "edge_scratch"
metadata = MetaData(schema=SCHEMA)
record = Table(
    "record",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("business_id", String(8), nullable=False),
    Column("name", Text, nullable=False),
    Column("qty", BigInteger, nullable=False),
    Column("score", Integer, nullable=False, server_default=text("0")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
# Deferred: a duplicate passes the INSERT and fails only at COMMIT.
ticket = Table(
    "ticket",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("code", Text, nullable=False),
    UniqueConstraint("code", name="uq_ticket_code", deferrable=True, initially="DEFERRED"),
)

FirmOrOfficer = Annotated[Principal, Depends(require_roles(Role.FIRM, Role.OFFICER))]
Firm = Annotated[Principal, Depends(require_roles(Role.FIRM))]


class RecordIn(BaseModel):
    name: SafeText
    qty: Int64


class LooseRecordIn(BaseModel):
    """No edge types: what reaches PostgreSQL is whatever the client sent."""

    name: str
    qty: int


class RecordOut(BaseModel):
    id: int
    business_id: str
    name: str
    qty: int
    score: int
    created_at: datetime


class TicketIn(BaseModel):
    code: SafeText


class Transactions(BaseModel):
    first_xact: int
    second_xact: int


router = ServiceRouter(prefix="/records", tags=["records"])


@router.get("/{record_id}", response_model=RecordOut)
async def read_record(
    record_id: PositiveInt64, principal: FirmOrOfficer, session: SessionDep
) -> dict[str, Any]:
    row = (await session.execute(select(record).where(record.c.id == record_id))).mappings().first()
    if row is None:
        raise NotFound()
    ensure_same_business(principal, row["business_id"])
    return dict(row)


@router.post("", response_model=RecordOut, status_code=201)
async def create_record(body: RecordIn, principal: Firm, session: SessionDep) -> dict[str, Any]:
    return await _insert(session, principal, body.name, body.qty)


@router.post("/loose", response_model=RecordOut, status_code=201)
async def create_loose_record(
    body: LooseRecordIn, principal: Firm, session: SessionDep
) -> dict[str, Any]:
    return await _insert(session, principal, body.name, body.qty)


@router.post("/then-fail", status_code=201)
async def create_then_fail(body: RecordIn, principal: Firm, session: SessionDep) -> None:
    await _insert(session, principal, body.name, body.qty)
    raise Conflict("changed my mind after writing")


@router.get("", response_model=Page[RecordOut])
async def list_records(
    session: SessionDep, cursor: Cursor = None, limit: Limit = 10
) -> Page[dict[str, Any]]:
    statement = keyset_page(
        select(record), [record.c.score, record.c.id], cursor=cursor, limit=limit
    )
    rows = (await session.execute(statement)).mappings().all()
    items, next_cursor = split_page(
        [dict(row) for row in rows], limit, lambda row: (row["score"], row["id"])
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/-/by-qty/{qty}", response_model=list[RecordOut])
async def by_qty(qty: Int64, session: SessionDep) -> list[dict[str, Any]]:
    rows = (await session.execute(select(record).where(record.c.qty == qty))).mappings().all()
    return [dict(row) for row in rows]


@router.get("/-/search", response_model=list[RecordOut])
async def search(
    session: SessionDep, q: Annotated[SafeText, Query(max_length=100)]
) -> list[dict[str, Any]]:
    rows = await session.execute(select(record).where(record.c.name == q))
    return [dict(row) for row in rows.mappings().all()]


@router.get("/-/loose-search", response_model=list[RecordOut])
async def loose_search(session: SessionDep, q: str) -> list[dict[str, Any]]:
    rows = await session.execute(select(record).where(record.c.name == q))
    return [dict(row) for row in rows.mappings().all()]


@router.get("/-/transactions", response_model=Transactions)
@router.post("/-/transactions", response_model=Transactions)
async def transactions(session: SessionDep) -> Transactions:
    """Two statements: one transaction id in a transaction, two under AUTOCOMMIT."""
    xact = text("SELECT pg_current_xact_id()::text::bigint")
    first = (await session.execute(xact)).scalar_one()
    second = (await session.execute(xact)).scalar_one()
    return Transactions(first_xact=first, second_xact=second)


@router.post("/-/tickets", status_code=201)
async def create_ticket(body: TicketIn, session: SessionDep) -> dict[str, str]:
    await session.execute(insert(ticket).values(code=body.code))
    return {"code": body.code}


async def _insert(session: Any, principal: Principal, name: str, qty: int) -> dict[str, Any]:
    values = {"business_id": principal.business_id, "name": name, "qty": qty}
    result = await session.execute(insert(record).values(**values).returning(*record.c))
    return dict(result.mappings().one())


def create_edge_app(overrides: dict[str, Any]) -> FastAPI:
    definition = ServiceDefinition(
        name="edge",
        title="Edge contract test service",
        description="Routes that exercise the platform's edge.",
        settings=ServiceSettings(**overrides),
        tables=platform_tables,
        routers=[router],
    )
    return create_service_app(definition)


@asynccontextmanager
async def edge_client(
    overrides: dict[str, Any], app: FastAPI | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on the edge app (or ``app``), inside its lifespan."""
    app = app or create_edge_app(overrides)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


async def create_scratch_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
        await connection.run_sync(metadata.create_all)


async def empty_scratch_tables(engine: AsyncEngine, redis_url: str) -> None:
    """Empty the scratch tables and the test Redis database (DELETE: far cheaper than
    TRUNCATE on tables this small; Redis holds rate-limit and cache state)."""
    async with engine.begin() as connection:
        await connection.execute(text(f"DELETE FROM {SCHEMA}.record"))
        await connection.execute(text(f"DELETE FROM {SCHEMA}.ticket"))
    redis: Redis = Redis.from_url(redis_url)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()


async def row_counts(engine: AsyncEngine) -> tuple[int, int]:
    """(records, tickets): what a bad request must leave unchanged."""
    async with engine.connect() as connection:
        records = (await connection.execute(select(func.count()).select_from(record))).scalar_one()
        tickets = (await connection.execute(select(func.count()).select_from(ticket))).scalar_one()
    return records, tickets


async def insert_records(engine: AsyncEngine, rows: list[dict[str, Any]]) -> list[int]:
    async with engine.begin() as connection:
        result = await connection.execute(insert(record).returning(record.c.id), rows)
        return [row[0] for row in result]
