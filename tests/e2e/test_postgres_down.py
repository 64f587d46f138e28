"""With PostgreSQL unreachable every service stays alive, reports not ready, and answers its
reads and writes with a 503 problem it may retry, never a 500 or a hang; no write is lost.

DESIGN.md's degradation contract, checked at the level of the services: each service runs on a
PostgreSQL that refuses every connection (a closed local port: refused at once, no waiting) and
the working test Redis. Every request runs under the client's own timeout, which the transport
below enforces (``httpx.ASGITransport`` ignores timeouts), so a hang fails as a timeout rather
than stalling the run. The second half retries a refused write with the same Idempotency-Key on
a replica that reaches the database again: it is stored exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from common.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE
from common.manifest import ServiceManifest
from inspection.models import inspection_application
from investment.invitations.tokens import FilingTokens
from investment.returns.etags import return_etag
from services.registry import SERVICES
from tax_exemption.models import filing
from tests.inspection.test_applications_api import DRAFT as INSPECTION_DRAFT
from tests.ip_search.test_watches_api import WATCH
from tests.tax_exemption.conftest import bearer, filing_body

POSTGRES_DOWN = "postgresql+asyncpg://postgres@127.0.0.1:1/none"
CLIENT_TIMEOUT = httpx.Timeout(5.0)  # generous for a 2-core box; a refused connect takes ~1 ms
FIRM = "04595257"
RETURN_ID = 1


# --- A client whose timeout holds on ASGI too ----------------------------------------------


class TimedASGITransport(httpx.ASGITransport):
    """Honours the request's read timeout, which ``httpx.ASGITransport`` leaves unenforced."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        limit = request.extensions.get("timeout", {}).get("read")
        try:
            async with asyncio.timeout(limit):
                return await super().handle_async_request(request)
        except TimeoutError:
            raise httpx.ReadTimeout(f"no answer within {limit} s", request=request) from None


@asynccontextmanager
async def service_client(
    manifest: ServiceManifest, overrides: Mapping[str, Any]
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = manifest.create_app(manifest.settings(**overrides))
    async with app.router.lifespan_context(app):
        transport = TimedASGITransport(app=app, client=("198.51.100.7", 50000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=CLIENT_TIMEOUT
        ) as client:
            yield app, client


# --- The route tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request; ``caller`` names whose credentials it carries (None: anonymous)."""

    method: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    caller: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        query = "&".join(f"{name}={value}" for name, value in self.params.items())
        return f"{self.method} {self.path}{'?' + query if query else ''}"


DATASET_DOWNLOAD = "/open-data/datasets/trademark-register/versions/1/download"
READS: dict[str, tuple[Call, ...]] = {
    "ip_search": (
        *(
            Call("GET", "/trademarks/search", {"q": "生華", "mode": mode})
            for mode in ("exact", "prefix", "contains", "similar")
        ),
        Call("GET", "/trademarks/113000001"),
        Call("GET", "/patents/search", {"q": "TI=(battery AND lithium)"}),
        Call("GET", "/open-data/datasets"),
        Call("GET", "/open-data/datasets/trademark-register"),
        Call("GET", DATASET_DOWNLOAD),
        Call("GET", DATASET_DOWNLOAD, headers={"Range": "bytes=10-99"}),
    ),
    "tax_exemption": (
        Call("GET", "/filings", caller="officer"),
        Call("GET", "/filings/1", caller="officer"),
        Call("GET", "/reviews", caller="officer"),
        Call("GET", "/filings", caller="firm"),
    ),
    "inspection": (
        Call("GET", "/public-checks/certificate/RC114000001"),
        Call("GET", "/public-checks/mark/R33001"),
        Call("GET", "/public-checks/cns_mark/012345"),
        Call("GET", "/public-checks/instrument/TM2025-0001"),
        Call("GET", "/public-checks/certificate/RC114000001/signed"),
        Call("GET", "/cns-marks/search", {"firm": "東和"}),
        Call("GET", "/regulated-products/lookup", {"ccc_code": "8516.10.00.10-7"}),
    ),
    "investment": (
        Call("GET", "/parks"),
        Call("GET", "/parks/nearest", {"longitude": "121.74", "latitude": "25.13"}),
        Call("GET", "/parks/1"),
        Call("GET", "/factories/96200001"),
        Call("GET", "/campaigns/2026/form"),
        Call("GET", "/decision-support/industry-counts", {"county_code": "09020"}),
        Call("GET", f"/returns/{RETURN_ID}", caller="filing-session"),
    ),
}
WRITES: dict[str, tuple[Call, ...]] = {
    "ip_search": (Call("POST", "/watches", json=WATCH, caller="firm"),),
    "tax_exemption": (
        Call(
            "POST", "/filings", json=filing_body(), caller="firm", headers={"Idempotency-Key": "k"}
        ),
    ),
    "inspection": (
        Call(
            "POST",
            "/applications",
            json=INSPECTION_DRAFT,
            caller="firm",
            headers={"Idempotency-Key": "k"},
        ),
    ),
    "investment": (
        Call(
            "PUT",
            f"/returns/{RETURN_ID}/draft",
            json={"answers": {"employees_total": 3}},
            caller="filing-session",
            headers={"If-Match": return_etag(RETURN_ID, 1)},
        ),
    ),
}
assert set(READS) == set(WRITES) == set(SERVICES), "every service needs its reads and writes"


def cases(table: Mapping[str, tuple[Call, ...]]) -> list[Any]:
    return [
        pytest.param(service, call, id=f"{service}:{call}")
        for service, calls in table.items()
        for call in calls
    ]


# --- One replica of each service on a PostgreSQL that refuses connections --------------------


@dataclass
class Replica:
    app: FastAPI
    client: httpx.AsyncClient
    callers: dict[str, dict[str, str]]

    async def send(self, call: Call) -> httpx.Response:
        headers = {**(self.callers[call.caller] if call.caller else {}), **call.headers}
        return await self.client.request(
            call.method, call.path, params=call.params, json=call.json, headers=headers
        )


@pytest.fixture(scope="module")
async def down(
    settings_overrides: dict[str, Any], token: Callable[..., str]
) -> AsyncIterator[dict[str, Replica]]:
    """Each service once for the module: nothing here reaches a database to leave rows in."""
    overrides = {
        **settings_overrides,
        "database_url": POSTGRES_DOWN,
        "rate_limit_anonymous": "100000/minute",
    }
    async with AsyncExitStack() as stack:
        replicas: dict[str, Replica] = {}
        for name, manifest in SERVICES.items():
            app, client = await stack.enter_async_context(service_client(manifest, overrides))
            replicas[name] = Replica(app, client, _callers(app, token))
        yield replicas


def _callers(app: FastAPI, token: Callable[..., str]) -> dict[str, dict[str, str]]:
    callers = {
        "firm": bearer(token("firm", business_id=FIRM, subject="firm-clerk")),
        "officer": bearer(token("officer", agency=app.state.settings.agency, subject="officer")),
    }
    tokens: FilingTokens | None = getattr(app.state, "filing_tokens", None)
    if tokens is not None:
        callers["filing-session"] = {"Filing-Token": tokens.issue(RETURN_ID, 2026)[0]}
    return callers


def assert_unavailable(response: httpx.Response) -> None:
    """A 503 problem document that tells the client when to retry."""
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert body["status"] == 503
    assert body["type"] == f"{PROBLEM_TYPE_BASE}service-unavailable"
    assert body["instance"] == response.request.url.path
    assert int(response.headers["retry-after"]) >= 1


async def test_the_client_timeout_ends_a_request_the_app_never_answers() -> None:
    """The guard the tests below rely on: without it a hang would stall the run, not fail."""

    async def never_answers(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.Event().wait()

    transport = TimedASGITransport(app=never_answers)
    async with httpx.AsyncClient(transport=transport, timeout=0.05) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get("http://testserver/")


# --- Health ------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", list(SERVICES))
async def test_the_service_is_alive_but_not_ready(service: str, down: dict[str, Replica]) -> None:
    client = down[service].client
    assert (await client.get("/livez")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 503, ready.text
    body = ready.json()
    assert body["status"] == "failing"
    assert body["checks"]["postgresql"]["status"] == "failing"
    assert body["checks"]["redis"]["status"] == "ok"


# --- Reads and writes: 503 problems, promptly ------------------------------------------------


@pytest.mark.parametrize(("service", "call"), cases(READS))
async def test_a_read_is_a_503_problem(service: str, call: Call, down: dict[str, Replica]) -> None:
    assert_unavailable(await down[service].send(call))


@pytest.mark.parametrize(("service", "call"), cases(WRITES))
async def test_a_write_is_a_503_problem(service: str, call: Call, down: dict[str, Replica]) -> None:
    assert_unavailable(await down[service].send(call))


# --- Never data loss: the refused write, retried once the database is back -------------------


@dataclass(frozen=True)
class Retried:
    call: Call
    table: Any


RETRIED = {
    "tax_exemption": Retried(WRITES["tax_exemption"][0], filing),
    "inspection": Retried(WRITES["inspection"][0], inspection_application),
}


async def count_rows(engine: AsyncEngine, table: Any) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


@pytest.mark.parametrize("service", list(RETRIED))
async def test_a_refused_write_retried_with_its_key_is_stored_exactly_once(
    service: str,
    down: dict[str, Replica],
    settings_overrides: dict[str, Any],
    clean_backends: None,
    db_engine: AsyncEngine,
) -> None:
    retried = RETRIED[service]
    call = replace(retried.call, headers={"Idempotency-Key": f"{service}-outage-retry"})
    assert_unavailable(await down[service].send(call))
    assert await count_rows(db_engine, retried.table) == 0
    overrides = {**settings_overrides, "rate_limit_anonymous": "100000/minute"}
    async with service_client(SERVICES[service], overrides) as (app, client):
        back = Replica(app, client, down[service].callers)  # the same callers, retrying
        first = await back.send(call)
        assert first.status_code == 201, first.text
        again = await back.send(call)
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await count_rows(db_engine, retried.table) == 1
