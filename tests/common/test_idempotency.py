"""Idempotency-Key on a real app, real PostgreSQL: replays, reuse, in flight, failures, purge."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.app_factory import ServiceDefinition, create_service_app
from common.database import ServiceRouter, SessionDep
from common.errors import Forbidden
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep, purge_expired_keys
from common.manifest import ServiceManifest
from common.settings import ServiceSettings
from tax_exemption.models import platform_tables

SCRATCH = "idempotency_scratch"


class WidgetIn(BaseModel):
    name: str


class WidgetOut(BaseModel):
    id: int
    name: str


router = ServiceRouter()


@router.post("/widgets", status_code=201, responses=IDEMPOTENCY_RESPONSES)
async def create_widget(
    body: WidgetIn, request: Request, response: Response, session: SessionDep, _: IdempotencyDep
) -> WidgetOut:
    widget_id = await session.scalar(
        text(f"INSERT INTO {SCRATCH}.widget (name) VALUES (:name) RETURNING id"),
        {"name": body.name},
    )
    assert widget_id is not None
    gate: Gate | None = getattr(request.app.state, "gate", None)
    if gate is not None:
        await gate.hold()
    if getattr(request.app.state, "refuse", False):
        raise Forbidden("widgets are closed")  # after the insert: proves the rollback
    response.headers["Location"] = f"/widgets/{widget_id}"
    return WidgetOut(id=widget_id, name=body.name)


class Gate:
    """Keeps the first request inside the endpoint (holding its key) until released.

    A second request reaching the endpoint means the key did not stop it: it fails at once
    (instead of waiting on the first one's row and hanging the test).
    """

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def hold(self) -> None:
        if self.entered.is_set():
            raise Forbidden("a second request with the key reached the endpoint")
        self.entered.set()
        await self.release.wait()


def _create_app(settings: ServiceSettings) -> FastAPI:
    definition = ServiceDefinition(
        name="idempotency_test",
        title="idempotency test",
        description="a scratch app",
        settings=settings,
        tables=platform_tables,  # a migrated schema that has idempotency_key
        routers=[router],
    )
    return create_service_app(definition)


MANIFEST = ServiceManifest(
    name="idempotency_test",
    url_prefix="/idempotency-test",
    settings_class=ServiceSettings,
    create_app=_create_app,
    migrations=Path(),
    tables=platform_tables,
)


@pytest.fixture(scope="module")
async def scratch_table(db_engine: AsyncEngine) -> AsyncIterator[None]:
    async with db_engine.begin() as connection:
        await connection.execute(text(f"CREATE SCHEMA {SCRATCH}"))
        await connection.execute(
            text(f"CREATE TABLE {SCRATCH}.widget (id bigserial PRIMARY KEY, name text NOT NULL)")
        )
    yield
    async with db_engine.begin() as connection:
        await connection.execute(text(f"DROP SCHEMA {SCRATCH} CASCADE"))


@pytest.fixture
async def app_client(
    scratch_table: None, db_engine: AsyncEngine, service_client_factory: Callable[..., Any]
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    async with db_engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {SCRATCH}.widget RESTART IDENTITY"))
    service_client = service_client_factory(MANIFEST, rate_limit_anonymous="1000/minute")
    async with service_client as client:
        yield service_client.app, client


async def _count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


async def _widgets(engine: AsyncEngine) -> int:
    return await _count(engine, f"{SCRATCH}.widget")


async def _keys(engine: AsyncEngine) -> int:
    return await _count(engine, "tax_exemption.idempotency_key")


def _post(client: httpx.AsyncClient, key: str, name: str, **headers: str) -> Any:
    return client.post("/widgets", json={"name": name}, headers={"Idempotency-Key": key, **headers})


async def test_a_retry_replays_the_first_response_and_creates_nothing(
    app_client: tuple[FastAPI, httpx.AsyncClient], db_engine: AsyncEngine
) -> None:
    _, client = app_client
    first = await _post(client, "key-1", "gear")
    again = await _post(client, "key-1", "gear")

    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    assert (again.status_code, again.content) == (201, first.content)
    assert again.headers["location"] == first.headers["location"] == "/widgets/1"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["idempotent-replayed"] == "true"
    assert await _widgets(db_engine) == 1
    assert await _keys(db_engine) == 1


async def test_the_stored_body_is_sealed_to_its_key(
    app_client: tuple[FastAPI, httpx.AsyncClient], db_engine: AsyncEngine
) -> None:
    """A response repeats what was sent (a contact person): the table keeps it encrypted."""
    _, client = app_client
    first = await _post(client, "key-1", "王測試")
    await _post(client, "key-2", "gear")
    bodies = "SELECT key, response_body FROM tax_exemption.idempotency_key ORDER BY key"
    async with db_engine.begin() as connection:
        stored: dict[str, bytes] = dict((await connection.execute(text(bodies))).all())
        # A sealed body copied under another key does not open there.
        await connection.execute(
            text(
                "UPDATE tax_exemption.idempotency_key SET response_body = :body WHERE key = 'key-2'"
            ),
            {"body": stored["key-1"]},
        )

    assert "王測試".encode() not in stored["key-1"] and b"gear" not in stored["key-2"]
    assert stored["key-1"] != first.content
    assert (await _post(client, "key-1", "王測試")).content == first.content
    moved = await _post(client, "key-2", "gear")
    assert moved.status_code == 500 and "王測試" not in moved.text


async def test_a_body_stored_before_sealing_is_still_replayed(
    app_client: tuple[FastAPI, httpx.AsyncClient], db_engine: AsyncEngine
) -> None:
    _, client = app_client
    first = await _post(client, "key-1", "gear")
    async with db_engine.begin() as connection:
        await connection.execute(
            text("UPDATE tax_exemption.idempotency_key SET response_body = :body"),
            {"body": first.content},
        )
    again = await _post(client, "key-1", "gear")
    assert (again.status_code, again.content) == (201, first.content)
    assert await _widgets(db_engine) == 1


async def test_without_a_key_every_post_creates(
    app_client: tuple[FastAPI, httpx.AsyncClient], db_engine: AsyncEngine
) -> None:
    _, client = app_client
    for _ in range(2):
        assert (await client.post("/widgets", json={"name": "gear"})).status_code == 201
    assert await _widgets(db_engine) == 2
    assert await _keys(db_engine) == 0


async def test_the_same_key_with_another_body_is_422_and_changes_nothing(
    app_client: tuple[FastAPI, httpx.AsyncClient], db_engine: AsyncEngine
) -> None:
    _, client = app_client
    first = await _post(client, "key-1", "gear")
    other = await _post(client, "key-1", "sprocket")

    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert "different request" in other.json()["detail"]
    assert await _widgets(db_engine) == 1
    replay = await _post(client, "key-1", "gear")  # the stored response is intact
    assert replay.content == first.content


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "tab\there"])
async def test_a_malformed_key_is_refused_and_changes_nothing(
    key: str, app_client: tuple[FastAPI, httpx.AsyncClient], db_engine: AsyncEngine
) -> None:
    _, client = app_client
    response = await client.post(
        "/widgets", json={"name": "gear"}, headers={b"Idempotency-Key": key.encode("utf-8")}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert await _widgets(db_engine) == 0
    assert await _keys(db_engine) == 0


async def test_keys_are_scoped_to_the_caller(
    app_client: tuple[FastAPI, httpx.AsyncClient],
    db_engine: AsyncEngine,
    token: Callable[..., str],
) -> None:
    _, client = app_client
    firm_a = {"Authorization": f"Bearer {token('firm', business_id='04595257')}"}
    anonymous = await _post(client, "shared", "gear")
    as_firm = await _post(client, "shared", "gear", **firm_a)

    assert anonymous.status_code == as_firm.status_code == 201
    assert "idempotent-replayed" not in as_firm.headers
    assert await _widgets(db_engine) == 2
    replay = await _post(client, "shared", "gear", **firm_a)
    assert replay.content == as_firm.content


async def test_a_key_in_flight_is_409_and_the_first_request_still_lands(
    app_client: tuple[FastAPI, httpx.AsyncClient], db_engine: AsyncEngine
) -> None:
    app, client = app_client
    app.state.gate = gate = Gate()
    first = asyncio.create_task(_post(client, "key-1", "gear"))
    await gate.entered.wait()

    concurrent = await asyncio.gather(*(_post(client, "key-1", "gear") for _ in range(5)))
    gate.release.set()
    created = await first

    assert [response.status_code for response in concurrent] == [409] * 5
    assert concurrent[0].headers["content-type"] == "application/problem+json"
    assert created.status_code == 201
    assert await _widgets(db_engine) == 1


async def test_fifty_concurrent_posts_with_one_key_create_exactly_one_row(
    app_client: tuple[FastAPI, httpx.AsyncClient], db_engine: AsyncEngine
) -> None:
    _, client = app_client
    responses = await asyncio.gather(*(_post(client, "one-key", "gear") for _ in range(50)))

    originals = [
        r for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers
    ]
    replays = [r for r in responses if r.headers.get("idempotent-replayed") == "true"]
    in_flight = [r for r in responses if r.status_code == 409]
    assert len(originals) == 1
    assert len(originals) + len(replays) + len(in_flight) == 50
    assert all((r.status_code, r.content) == (201, originals[0].content) for r in replays)
    assert all("still being processed" in r.json()["detail"] for r in in_flight)
    assert await _widgets(db_engine) == 1
    assert await _keys(db_engine) == 1


async def test_a_failed_request_stores_nothing_so_a_retry_succeeds(
    app_client: tuple[FastAPI, httpx.AsyncClient], db_engine: AsyncEngine
) -> None:
    app, client = app_client
    app.state.refuse = True
    refused = await _post(client, "key-1", "gear")
    assert refused.status_code == 403
    assert await _widgets(db_engine) == 0
    assert await _keys(db_engine) == 0

    app.state.refuse = False
    retried = await _post(client, "key-1", "gear")
    assert retried.status_code == 201
    assert "idempotent-replayed" not in retried.headers
    assert await _widgets(db_engine) == 1


async def test_purge_drops_only_keys_past_their_lifetime(
    app_client: tuple[FastAPI, httpx.AsyncClient], db_engine: AsyncEngine
) -> None:
    _, client = app_client
    await _post(client, "old", "gear")
    await _post(client, "new", "gear")
    async with db_engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE tax_exemption.idempotency_key SET created_at = now() - interval '25 hours'"
                " WHERE key = 'old'"
            )
        )
        purged = await purge_expired_keys(connection, platform_tables.idempotency_key)
        remaining = await connection.scalars(text("SELECT key FROM tax_exemption.idempotency_key"))
        assert (purged, list(remaining)) == (1, ["new"])
