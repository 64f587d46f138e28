"""The HTTP contracts of DESIGN.md, checked on every route of every service.

Each contract has its own feature tests; this module walks the whole surface so that a new route
that forgets one fails here, named by its route:

1. Idempotency: a POST that answers 201 declares ``Idempotency-Key`` (reviewed exceptions in
   ``NOT_IDEMPOTENT``), and a real round trip per service shows a retry replays the first answer
   and a reused key with another body is refused, creating nothing either time.
2. Concurrency: a PUT/PATCH declares ``If-Match`` (reviewed exceptions in ``UNVERSIONED``); a route
   declaring it documents 412 and 428 as problems, and answers 428 without it and 412 with a stale
   one, changing nothing (round trip per versioned resource).
3. Caching: each public GET, seeded as in ``test_redis_down``, answers 200 with a strong ETag and
   Cache-Control, and 304 to ``If-None-Match`` (reviewed exceptions in ``UNCACHED``).
4. Errors: every operation documents its error responses as application/problem+json, at least
   422 where it takes input and 401/403 where it is not public.

The route list and the public routes are those of ``test_authorization_matrix``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from common.errors import PROBLEM_MEDIA_TYPE
from common.idempotency import IDEMPOTENCY_HEADER, REPLAYED_HEADER
from investment.seeding import seed_demo
from investment.settings import InvestmentSettings
from services.registry import SERVICES
from tests.e2e.test_authorization_matrix import (
    APPS,
    PLATFORM_PATHS,
    PUBLIC_ROUTES,
    Key,
    first_route,
    route_contexts,
)
from tests.e2e.test_redis_down import TABLES, Read, World, replicas
from tests.inspection.test_applications_api import DRAFT
from tests.investment.test_filing_api import fixed_answers, last_year_filer, open_invitation
from tests.ip_search.test_watches_api import WATCH
from tests.schema_state import schema_state
from tests.tax_exemption.conftest import bearer, filing_body

FIRM = "04595257"

# POSTs answering 201 without Idempotency-Key, reviewed one by one: why a retry is safe.
NOT_IDEMPOTENT: dict[str, dict[Key, str]] = {
    "ip_search": {
        ("POST", "/open-data/datasets"): "the client names the dataset id: a retry gets 409",
        ("POST", "/open-data/api-keys"): "a credential shown once (only its hash is kept): a "
        "replay would have to store the secret; a lost answer is revoked and issued anew",
    },
    "tax_exemption": {
        ("POST", "/filings/{filing_id}/certificate"): "one per approved filing: the filing's "
        "state machine refuses a second issue (409)",
        ("POST", "/mandates"): "one live mandate per agent: a retry gets 409",
    },
    "inspection": {
        ("POST", "/safety-marks"): "the client names the mark ID: a retry gets 409",
        ("POST", "/instruments"): "the client names the serial: a retry gets 409",
        ("POST", "/regulated-products"): "entries may not overlap in time: a retry gets 409",
    },
    "investment": {
        ("POST", "/campaigns"): "the client names the survey year: a retry gets 409",
        ("POST", "/campaigns/{year}/invitations"): "codes shown once (only a keyed hash is "
        "kept); a retry replaces the unused codes of the same returns, no second record",
    },
}
# PUT/PATCH routes without If-Match: the resource carries no version to match.
UNVERSIONED: dict[str, dict[Key, str]] = {
    "ip_search": {
        ("PATCH", "/watches/{watch_id}"): "a watch has no version or ETag; last write wins",
    },
    "tax_exemption": {
        ("PUT", "/notifications/preferences"): "the caller's own settings, replaced whole",
    },
}
# Routes declaring If-Match that take it as optional (428 never), with the reason.
IF_MATCH_OPTIONAL: dict[str, dict[Key, str]] = {
    "investment": {
        ("POST", "/returns/{return_id}/submit"): "documented optional: the submission is "
        "re-validated whole and carries an Idempotency-Key; a sent If-Match must be current",
    },
}
# Public GETs that do not follow the ETag/304 contract, with the reason.
UNCACHED: dict[str, dict[Key, str]] = {
    "inspection": {
        ("GET", "/public-checks/{kind}/{subject_id}/signed"): "an ES256 signature: differs on "
        "every call, so no validator can name it",
        ("GET", "/public-checks/qr"): "resolves to the signed check (differs on every call)",
        ("GET", "/Q/{code}/{subject_id}"): "resolves to the signed check (differs every call)",
    },
}


# --- Walking the OpenAPI documents ---------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    service: str
    method: str  # upper case
    path: str  # as in the OpenAPI document
    spec: dict[str, Any] = field(hash=False, compare=False)

    @property
    def key(self) -> Key:
        return (self.method, self.path)

    @property
    def id(self) -> str:
        return f"{self.service}:{self.method} {self.path}"

    def header_parameters(self) -> set[str]:
        return {p["name"] for p in self.spec.get("parameters", ()) if p["in"] == "header"}

    def responses(self) -> dict[str, Any]:
        responses: dict[str, Any] = self.spec.get("responses", {})
        return responses


def _operations() -> list[Operation]:
    found = []
    for service, app in APPS.items():
        for path, operations in app.openapi()["paths"].items():
            if path in PLATFORM_PATHS:
                continue
            for method, spec in operations.items():
                found.append(Operation(service, method.upper(), path, spec))
    return found


OPERATIONS = _operations()


def _where(predicate: Callable[[Operation], bool]) -> list[Any]:
    return [pytest.param(op, id=op.id) for op in OPERATIONS if predicate(op)]


def _creates(op: Operation) -> bool:
    return op.method == "POST" and "201" in op.responses()


def _updates(op: Operation) -> bool:
    return op.method in ("PUT", "PATCH") or "If-Match" in op.header_parameters()


def _assert_problem_documented(op: Operation, status: int) -> None:
    response = op.responses().get(str(status))
    assert response is not None, f"{op.id} does not document {status}"
    assert PROBLEM_MEDIA_TYPE in response.get("content", {}), f"{op.id}: {status} not a problem"


# --- 1. Idempotency ------------------------------------------------------------------------


@pytest.mark.parametrize("op", _where(_creates))
def test_a_creating_post_declares_idempotency_key(op: Operation) -> None:
    if op.key in NOT_IDEMPOTENT.get(op.service, {}):
        assert IDEMPOTENCY_HEADER not in op.header_parameters(), "declared: drop it from the list"
        return
    assert IDEMPOTENCY_HEADER in op.header_parameters()
    _assert_problem_documented(op, 409)  # a request with the key still in flight
    _assert_problem_documented(op, 422)  # the key reused for another request


@dataclass(frozen=True)
class Creation:
    """One creating POST, ready to send: the body, and another body for the same key."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    other: dict[str, Any]


@dataclass
class Env:
    client: httpx.AsyncClient
    engine: AsyncEngine
    token: Callable[..., str]
    settings_overrides: dict[str, Any]


async def watch_creation(env: Env) -> Creation:
    firm = bearer(env.token("firm", business_id=FIRM, subject="firm-clerk"))
    return Creation("/watches", firm, WATCH, {**WATCH, "threshold": 0.9})


async def filing_creation(env: Env) -> Creation:
    firm = bearer(env.token("firm", business_id=FIRM, subject="firm-clerk"))
    return Creation("/filings", firm, filing_body(), filing_body(purpose="another purpose"))


async def application_creation(env: Env) -> Creation:
    firm = bearer(env.token("firm", business_id=FIRM, subject="firm-a"))
    return Creation("/applications", firm, DRAFT, {**DRAFT, "quantity": 501})


async def submission_creation(env: Env) -> Creation:
    """A sound draft of a factory's return, ready to submit (no body: the stored answers)."""
    target = await _return_draft(env)
    saved = await env.client.put(
        target.path, json=target.body, headers={**target.headers, "If-Match": target.etag}
    )
    assert saved.status_code == 200, saved.text
    return_path = target.path.removesuffix("/draft")
    return Creation(f"{return_path}/submit", target.headers, None, target.body)


Creator = Callable[[Env], Awaitable[Creation]]
# (service, route template, how to build the request): one real round trip per service.
ROUND_TRIPS: dict[str, tuple[Key, Creator]] = {
    "ip_search": (("POST", "/watches"), watch_creation),
    "tax_exemption": (("POST", "/filings"), filing_creation),
    "inspection": (("POST", "/applications"), application_creation),
    "investment": (("POST", "/returns/{return_id}/submit"), submission_creation),
}


@pytest.mark.parametrize("service", list(SERVICES))
def test_each_service_round_trips_a_declaring_route(service: str) -> None:
    key, _creator = ROUND_TRIPS[service]
    [op] = [op for op in OPERATIONS if (op.service, op.key) == (service, key)]
    assert IDEMPOTENCY_HEADER in op.header_parameters()


@pytest.mark.parametrize(
    "service", [pytest.param(s, id=f"{s}:POST {ROUND_TRIPS[s][0][1]}") for s in SERVICES]
)
async def test_a_retry_replays_and_a_reused_key_is_refused(
    service: str,
    service_client_factory: Callable[..., Any],
    db_engine: AsyncEngine,
    token: Callable[..., str],
    settings_overrides: dict[str, Any],
) -> None:
    if service == "investment":
        await seed_demo(db_engine, InvestmentSettings(**settings_overrides), synthetic=0)
    async with service_client_factory(SERVICES[service]) as client:
        env = Env(client, db_engine, token, settings_overrides)
        creation = await ROUND_TRIPS[service][1](env)
        headers = {**creation.headers, IDEMPOTENCY_HEADER: f"contract-{service}"}
        before = await schema_state(db_engine, service)
        first = await client.post(creation.path, json=creation.body, headers=headers)
        assert first.status_code == 201, first.text
        created = await schema_state(db_engine, service)
        retry = await client.post(creation.path, json=creation.body, headers=headers)
        assert (retry.status_code, retry.content) == (first.status_code, first.content)
        assert retry.headers[REPLAYED_HEADER] == "true"
        assert REPLAYED_HEADER not in first.headers
        assert await schema_state(db_engine, service) == created != before
        reused = await client.post(creation.path, json=creation.other, headers=headers)
    _assert_problem(reused, 422)
    assert await schema_state(db_engine, service) == created


# --- 2. Concurrency ------------------------------------------------------------------------


@pytest.mark.parametrize("op", _where(_updates))
def test_an_update_of_a_versioned_resource_requires_if_match(op: Operation) -> None:
    if op.key in UNVERSIONED.get(op.service, {}):
        assert "If-Match" not in op.header_parameters(), "declared: drop it from the list"
        return
    assert "If-Match" in op.header_parameters()
    _assert_problem_documented(op, 412)
    if op.key not in IF_MATCH_OPTIONAL.get(op.service, {}):
        _assert_problem_documented(op, 428)


@dataclass(frozen=True)
class Versioned:
    """An update of a versioned resource: the request and the ETag the client last read."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    etag: str


async def filing_update(env: Env) -> Versioned:
    creation = await filing_creation(env)
    created = await env.client.post(creation.path, json=creation.body, headers=creation.headers)
    assert created.status_code == 201, created.text
    path = f"/filings/{created.json()['id']}"
    body = filing_body(purpose="an edited purpose")
    return Versioned("PUT", path, creation.headers, body, created.headers["ETag"])


async def application_update(env: Env) -> Versioned:
    creation = await application_creation(env)
    created = await env.client.post(creation.path, json=creation.body, headers=creation.headers)
    assert created.status_code == 201, created.text
    path = f"/applications/{created.json()['id']}"
    etag = (await env.client.get(path, headers=creation.headers)).headers["ETag"]
    return Versioned("PATCH", path, creation.headers, {"quantity": 600}, etag)


async def _return_draft(env: Env) -> Versioned:
    factory = await last_year_filer(env.engine)
    session = await open_invitation(env.client, env.token, factory["registration_number"])
    filing = {"Filing-Token": session["filing_token"]}
    opened = await env.client.get(f"/returns/{factory['id']}", headers=filing)
    answers = fixed_answers(opened.json(), factory["answers"])
    body = {"answers": answers}
    return Versioned("PUT", f"/returns/{factory['id']}/draft", filing, body, opened.headers["ETag"])


Updater = Callable[[Env], Awaitable[Versioned]]
VERSIONED: dict[str, tuple[Key, Updater]] = {
    "tax_exemption": (("PUT", "/filings/{filing_id}"), filing_update),
    "inspection": (("PATCH", "/applications/{application_id}"), application_update),
    "investment": (("PUT", "/returns/{return_id}/draft"), _return_draft),
}


@pytest.mark.parametrize(
    "service", [pytest.param(s, id=f"{s}:{' '.join(k)}") for s, (k, _) in VERSIONED.items()]
)
async def test_an_update_without_or_with_a_stale_if_match_changes_nothing(
    service: str,
    service_client_factory: Callable[..., Any],
    db_engine: AsyncEngine,
    token: Callable[..., str],
    settings_overrides: dict[str, Any],
) -> None:
    if service == "investment":
        await seed_demo(db_engine, InvestmentSettings(**settings_overrides), synthetic=0)
    async with service_client_factory(SERVICES[service]) as client:
        target = await VERSIONED[service][1](Env(client, db_engine, token, settings_overrides))
        send = _sender(client, target)
        before = await schema_state(db_engine, service)
        _assert_problem(await send({}), 428)
        assert await schema_state(db_engine, service) == before
        saved = await send({"If-Match": target.etag})
        assert saved.status_code == 200, saved.text
        assert saved.headers["ETag"] != target.etag
        after = await schema_state(db_engine, service)
        _assert_problem(await send({"If-Match": target.etag}), 412)
    assert await schema_state(db_engine, service) == after


def _sender(
    client: httpx.AsyncClient, target: Versioned
) -> Callable[[dict[str, str]], Awaitable[httpx.Response]]:
    async def send(extra: dict[str, str]) -> httpx.Response:
        headers = {**target.headers, **extra}
        return await client.request(target.method, target.path, json=target.body, headers=headers)

    return send


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_concurrency_lists_name_existing_routes(service: str) -> None:
    keys = {op.key for op in OPERATIONS if op.service == service}
    for listed in (NOT_IDEMPOTENT, UNVERSIONED, IF_MATCH_OPTIONAL):
        assert set(listed.get(service, {})) <= keys
    if service in VERSIONED:
        assert VERSIONED[service][0] in keys


# --- 3. Caching ----------------------------------------------------------------------------


def _public_gets(service: str) -> set[Key]:
    return {key for key in PUBLIC_ROUTES[service] if key[0] == "GET"}


def _template(service: str, path: str) -> str:
    reached = first_route(route_contexts(APPS[service]), "GET", path)
    assert reached is not None, path
    return str(reached.path)


def _plain_reads(reads: tuple[Read, ...]) -> list[Read]:
    """The full 200 answers (no Range, no signature), one per route template."""
    return [r for r in reads if r.status == 200 and not r.signed and not r.headers]


async def _validator_faults(client: httpx.AsyncClient, read: Read, template: str) -> list[str]:
    params = dict(read.params)
    first = await client.get(read.path, params=params)
    etag, cache_control = first.headers.get("etag"), first.headers.get("cache-control")
    if first.status_code != 200 or etag is None or etag.startswith("W/") or not cache_control:
        return [f"GET {template}: {first.status_code}, ETag {etag}, Cache-Control {cache_control}"]
    again = await client.get(read.path, params=params, headers={"If-None-Match": etag})
    if (again.status_code, again.content, again.headers.get("etag")) != (304, b"", etag):
        return [f"GET {template}: If-None-Match answered {again.status_code}"]
    return []


@pytest.mark.parametrize("service", list(SERVICES))
async def test_public_reads_send_validators_and_answer_304(
    service: str, service_client_factory: Callable[..., Any], world: World
) -> None:
    seed, reads = TABLES[service]
    checked: set[Key] = set()
    faults: list[str] = []
    async with replicas(service_client_factory, SERVICES[service], **world.overrides) as clients:
        seeded = await seed(clients, world)
        for read in _plain_reads(reads):
            bound = read.bound(seeded)
            template = _template(service, bound.path)
            if ("GET", template) not in checked:
                checked.add(("GET", template))
                faults += await _validator_faults(clients.up, bound, template)
    assert faults == [], "\n".join(faults)
    exempt = set(UNCACHED.get(service, {}))
    assert not checked & exempt, "an exempt route is checked: drop it from UNCACHED"
    assert _public_gets(service) - exempt <= checked, "a public GET has no seeded read"
    assert exempt <= _public_gets(service)


# --- 4. Errors -----------------------------------------------------------------------------


def _takes_input(op: Operation) -> bool:
    return bool(op.spec.get("parameters")) or "requestBody" in op.spec


@pytest.mark.parametrize("op", _where(lambda op: True))
def test_every_operation_documents_its_errors_as_problems(op: Operation) -> None:
    errors = [status for status in op.responses() if status[0] in "45"]
    undocumented = [
        s for s in errors if PROBLEM_MEDIA_TYPE not in op.responses()[s].get("content", {})
    ]
    assert undocumented == [], f"{op.id}: not application/problem+json"
    if _takes_input(op):
        _assert_problem_documented(op, 422)
    if op.key not in PUBLIC_ROUTES[op.service]:
        _assert_problem_documented(op, 401)
        _assert_problem_documented(op, 403)


def _assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["status"] == status
