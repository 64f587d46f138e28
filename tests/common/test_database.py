"""The session layer: reads run without a transaction, writes commit before the response is
sent, and an error anywhere in the request rolls the write back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.database import Database, service_metadata
from common.errors import PROBLEM_MEDIA_TYPE
from common.settings import ServiceSettings
from tests.common.edge_app import (
    create_edge_app,
    edge_client,
    row_counts,
)

FIRM = "04595257"


@pytest.fixture
async def client(
    settings_overrides: dict[str, Any], scratch: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    async with edge_client(settings_overrides) as client:
        yield client


@pytest.fixture
def firm(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('firm', business_id=FIRM)}"}


def observed_at_response_start(
    app: ASGIApp, probe: Callable[[], Awaitable[Any]]
) -> tuple[ASGIApp, list[Any]]:
    """Wrap ``app`` so ``probe`` runs the moment the response starts, before the client can
    see a single byte of it; returns the wrapper and the list of what the probe saw."""
    seen: list[Any] = []

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen.append(await probe())
            await send(message)

        await app(scope, receive, send_observed)

    return wrapped, seen


async def test_a_get_runs_without_a_transaction(client: httpx.AsyncClient) -> None:
    """Under AUTOCOMMIT each statement is its own transaction: two statements, two ids."""
    body = (await client.get("/records/-/transactions")).json()
    assert body["first_xact"] != body["second_xact"]


async def test_a_post_runs_in_one_transaction(client: httpx.AsyncClient) -> None:
    body = (await client.post("/records/-/transactions")).json()
    assert body["first_xact"] == body["second_xact"]


async def test_a_write_is_committed_before_the_response_starts(
    settings_overrides: dict[str, Any], scratch: AsyncEngine, firm: dict[str, str]
) -> None:
    app = create_edge_app(settings_overrides)
    wrapped, seen = observed_at_response_start(app, lambda: row_counts(scratch))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=wrapped)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.post("/records", json={"name": "n", "qty": 1}, headers=firm)
    assert response.status_code == 201
    # Another connection saw the row before the first byte of the 201 left the app.
    assert seen == [(1, 0)]


async def test_a_failing_commit_is_an_error_response_never_a_success(
    client: httpx.AsyncClient, scratch: AsyncEngine
) -> None:
    """The ticket code is unique DEFERRED: the INSERT succeeds and only COMMIT fails. Had the
    response been sent before the commit, the client would have seen a 201 for a lost write."""
    first = await client.post("/records/-/tickets", json={"code": "T-1"})
    assert first.status_code == 201
    second = await client.post("/records/-/tickets", json={"code": "T-1"})
    assert second.status_code == 409, second.text
    assert second.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert await row_counts(scratch) == (0, 1)


async def test_an_error_after_a_write_rolls_it_back(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine
) -> None:
    response = await client.post("/records/then-fail", json={"name": "x", "qty": 1}, headers=firm)
    assert response.status_code == 409
    assert response.json()["detail"] == "changed my mind after writing"
    assert await row_counts(scratch) == (0, 0)


async def test_the_session_survives_a_rolled_back_request(
    client: httpx.AsyncClient, firm: dict[str, str], scratch: AsyncEngine
) -> None:
    """A failed request returns its connection clean: the next write on the pool lands."""
    for _ in range(3):
        failed = await client.post("/records/loose", json={"name": "\x00", "qty": 1}, headers=firm)
        assert failed.status_code == 422
    ok = await client.post("/records", json={"name": "fine", "qty": 2}, headers=firm)
    assert ok.status_code == 201
    assert await row_counts(scratch) == (1, 0)


async def test_sessions_carry_the_statement_timeout_application_name_and_no_jit(
    settings_overrides: dict[str, Any],
) -> None:
    settings = ServiceSettings(**settings_overrides, database_statement_timeout_ms=4321)
    database = Database.from_settings(settings)
    try:
        for read_only in (True, False):
            async with database.session(read_only=read_only) as session:
                timeout = (await session.execute(text("SHOW statement_timeout"))).scalar_one()
                name = (await session.execute(text("SHOW application_name"))).scalar_one()
                jit = (await session.execute(text("SHOW jit"))).scalar_one()
            assert timeout == "4321ms"
            assert name == "moea-moea"
            assert jit == "off"  # the server's default is on
    finally:
        await database.dispose()


def test_service_metadata_names_constraints_predictably() -> None:
    metadata = service_metadata("some_service")
    assert metadata.schema == "some_service"
    assert metadata.naming_convention["pk"] == "pk_%(table_name)s"
