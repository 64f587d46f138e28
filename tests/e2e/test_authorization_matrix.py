"""Every route of every service, called anonymously and with every role its gate does not admit.

The per-feature tests check authorization route by route; this one guards the whole surface, so
a new route that forgot its role gate fails here. Anonymous callers get 401 problem+json (with
``WWW-Authenticate: Bearer``) except on the reviewed public routes below; a role the route's gate
does not admit gets 403 problem+json. The admitted roles are read from the route's dependencies
(``PrincipalGate``: ``require_roles``, ``require_home_roles``), or, for the few routes whose gate
is of another kind, from ``EXPECTED_ROLES``. No call may change a row.

The routes are walked on the built app (not its OpenAPI document), so a route hidden from the
docs is checked too. Dummy path parameters are valid for their declared types, and each one is
checked to reach the route it was made for, so neither validation nor routing answers instead
of the gate.
"""

from __future__ import annotations

import enum
import typing
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.routing import compile_path

from common.auth.dependencies import PrincipalGate
from common.auth.principal import Role
from common.errors import PROBLEM_MEDIA_TYPE
from services.registry import SERVICES
from tests.schema_state import schema_state

Key = tuple[str, str]  # (method, path template as declared)

# Routes anyone may call without a token, per service, reviewed one by one: why each is public.
PUBLIC_ROUTES: dict[str, dict[Key, str]] = {
    "ip_search": {
        ("GET", "/trademarks/search"): "the trademark register is a public record",
        ("GET", "/trademarks/{application_no}"): "one record of the public register",
        ("GET", "/patents/search"): "public patent knowledge search",
        ("GET", "/patents/{office}/{publication_no}"): "a published patent document",
        ("GET", "/open-data/datasets"): "the open-data catalog",
        ("GET", "/open-data/datasets/{dataset_id}.jsonld"): "a catalog entry (DCAT)",
        ("GET", "/open-data/datasets/{dataset_id}"): "a catalog entry",
        ("GET", "/open-data/datasets/{dataset_id}/changes"): "the open-data changefeed",
        ("GET", "/open-data/datasets/{dataset_id}/versions/{version}/download"): "open data",
        ("HEAD", "/open-data/datasets/{dataset_id}/versions/{version}/download"): "open data",
        ("POST", "/open-data/exports"): "export of public register data (capped per client)",
        ("GET", "/open-data/exports/{export_id}"): "status of such an export (unguessable id)",
        ("GET", "/open-data/exports/{export_id}/download"): "its file: public register data",
        ("HEAD", "/open-data/exports/{export_id}/download"): "its file's headers",
    },
    "tax_exemption": {},
    "inspection": {
        ("GET", "/public-checks/{kind}/{subject_id}"): "citizens check a mark or certificate",
        ("GET", "/public-checks/{kind}/{subject_id}/signed"): "the same check, signed",
        ("GET", "/public-checks/qr"): "a scanned QR code resolved to its signed check",
        ("GET", "/Q/{code}/{subject_id}"): "the URL printed in the QR code",
        ("GET", "/.well-known/jwks.json"): "keys to verify the signed checks",
        ("GET", "/cns-marks/search"): "the CNS mark register is public",
        ("GET", "/cns-marks/{number}"): "one CNS mark of the public register",
        ("GET", "/regulated-products/lookup"): "importers look up whether a CCC code is regulated",
        ("GET", "/regulated-products"): "the public list of regulated products",
    },
    "investment": {
        ("POST", "/invitations/redeem"): "a factory without an account redeems its code",
        ("GET", "/factories"): "the factory registry is open data (no owner names)",
        ("GET", "/factories/{registration_number}"): "one factory of the open registry",
        ("GET", "/campaigns"): "factories read which surveys are open",
        ("GET", "/campaigns/{year}"): "one campaign",
        ("GET", "/campaigns/{year}/form"): "the survey form, to fill in",
        ("GET", "/parks"): "industrial parks: public information for investors",
        ("GET", "/parks/nearest"): "the parks near a point",
        ("GET", "/parks/{park_id}"): "one park",
        ("GET", "/parks/{park_id}/factories"): "the registered factories of a park",
        ("GET", "/decision-support"): "the investor decision-support catalogue",
        ("POST", "/decision-support/site-fit"): "a computation on public data (no writes)",
        ("GET", "/decision-support/location-quotient"): "statistics from public data",
        ("GET", "/decision-support/industry-counts"): "statistics from public data",
        ("GET", "/decision-support/land-availability"): "statistics from public data",
        (
            "GET",
            "/decision-support/similar-factories/{registration_number}",
        ): "factories like one of the open registry",
        ("GET", "/decision-support/nearest-parks"): "the parks near a point",
        ("GET", "/decision-support/upstream-suppliers"): "statistics from public data",
    },
}

# Routes whose gate is not a ``PrincipalGate`` (so cannot be introspected): the bearer roles it
# admits. The filing routes also admit a factory's filing session (``Filing-Token``), no bearer.
EXPECTED_ROLES: dict[str, dict[Key, frozenset[Role]]] = {
    "investment": {
        ("GET", "/returns/{return_id}"): frozenset(
            {Role.FIRM, Role.OFFICER, Role.SURVEYOR, Role.ADMIN}
        ),
        ("PUT", "/returns/{return_id}/draft"): frozenset({Role.FIRM}),
        ("POST", "/returns/{return_id}/submit"): frozenset({Role.FIRM}),
    },
}

# The platform's own paths (probes, metrics, docs): not the services' API.
PLATFORM_PATHS = frozenset(
    {"/livez", "/healthz", "/readyz", "/metrics", "/docs", "/openapi.json", "/docs-assets"}
)
BEARER_ROLES = frozenset(Role) - {Role.PUBLIC}
GENEROUS_LIMITS = {
    # A budget no run exhausts: 429s would only hide the routes behind the limiter.
    "rate_limit_anonymous": "1000000/minute",
    "rate_limit_authenticated": "1000000/minute",
}
# Candidates for a dummy path parameter, tried in order: the first its type accepts is used.
DUMMY_STRINGS = ("A", "x1", "123456789", "12345678", "AB1234567890")
DUMMY_INTS = (1, 2026)
DUMMY_UUID = uuid.UUID("00000000-0000-4000-8000-000000000001")


@dataclass(frozen=True)
class RouteCase:
    service: str
    method: str
    template: str
    path: str  # the template with dummy parameters filled in
    takes_body: bool
    admitted: frozenset[Role] | None  # bearer roles its gates let through; None: no gate found

    @property
    def key(self) -> Key:
        return (self.method, self.template)

    @property
    def id(self) -> str:
        return f"{self.service}:{self.method} {self.template}"


def _listing_app(service: str) -> FastAPI:
    """The service's app, built only to be walked: a JWKS URL keeps the development issuer from
    writing its key file at collection time; nothing is started. JSON logs, as every test app
    has them: building an app configures the process's logging."""
    manifest = SERVICES[service]
    settings = manifest.settings(
        environment="development", jwks_url="http://127.0.0.1:9/jwks.json", log_json=True
    )
    return manifest.create_app(settings)


def route_contexts(app: FastAPI) -> list[RouteContext]:
    """Every route of the app, in the order the router tries them."""
    return list(iter_route_contexts(app.routes))


def _gates(dependant: Dependant) -> Iterator[PrincipalGate]:
    if isinstance(dependant.call, PrincipalGate):
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _gates(sub)


def _admitted(dependant: Dependant) -> frozenset[Role] | None:
    """The bearer roles every gate of the route lets through (``None``: the route has none)."""
    gates = list(_gates(dependant))
    if not gates:
        return None
    admitted = BEARER_ROLES
    for gate in gates:
        if gate.roles is not None:
            admitted &= gate.roles
    return admitted


def _dummy(field: Any) -> str:
    """A value the path parameter's declared type and constraints accept, as it goes in a URL."""
    annotation = field.field_info.annotation
    declared: Any = Annotated[annotation, field.field_info]  # the type with its constraints
    adapter: TypeAdapter[Any] = TypeAdapter(declared)
    for candidate in _candidates(annotation):
        try:
            adapter.validate_python(candidate)
        except ValidationError:
            continue
        return str(candidate.value if isinstance(candidate, enum.Enum) else candidate)
    raise AssertionError(f"no dummy value fits path parameter {field.name!r}: add one")


def _candidates(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return tuple(annotation)
    if annotation is int:
        return DUMMY_INTS
    if annotation is uuid.UUID:
        return (DUMMY_UUID,)
    return DUMMY_STRINGS


def first_route(contexts: list[RouteContext], method: str, path: str) -> RouteContext | None:
    """The route the router picks for this request: the first whose path and method match."""
    for context in contexts:
        methods = context.methods
        path_regex = compile_path(context.path or "")[0]
        if path_regex.match(path) and (methods is None or method in methods):
            return context
    return None


def _cases(service: str, app: FastAPI) -> Iterator[RouteCase]:
    contexts = route_contexts(app)
    for context in contexts:
        route = context.original_route
        if not isinstance(route, APIRoute) or context.path in PLATFORM_PATHS:
            continue
        dependant: Dependant = context.dependant
        values = {param.name: _dummy(param) for param in dependant.path_params}
        path = str(context.path_format).format(**values)
        for method in sorted(context.methods or ()):
            reached = first_route(contexts, method, path)
            assert reached is not None and reached.original_route is route, (method, path)
            takes_body = bool(dependant.body_params)
            yield RouteCase(
                service, method, str(context.path), path, takes_body, _admitted(dependant)
            )


APPS = {service: _listing_app(service) for service in SERVICES}
CASES = [case for service, app in APPS.items() for case in _cases(service, app)]


def _bearer_tokens(token: Callable[..., str], agency: str) -> dict[Role, str]:
    """A token of each role, with its binding; the officer is of the service's own agency (one
    of another agency is refused by the agency check, which is not what this test is about)."""
    return {
        Role.FIRM: token("firm", business_id="04595257"),
        Role.OFFICER: token("officer", agency=agency),
        Role.SURVEYOR: token("surveyor", county="63000"),
        Role.OPERATOR: token("operator"),
        Role.ADMIN: token("admin"),
    }


def _expected_roles(case: RouteCase) -> frozenset[Role]:
    listed = EXPECTED_ROLES.get(case.service, {}).get(case.key)
    if case.admitted is not None:
        assert listed is None, f"{case.id} has a role gate: drop it from EXPECTED_ROLES"
        return case.admitted
    assert listed is not None, f"{case.id} has no role gate: add one (or list it)"
    return listed


async def _call(
    client: httpx.AsyncClient, case: RouteCase, headers: dict[str, str], *, body: bool
) -> httpx.Response:
    # ``{}`` for a body-taking route: the gate must answer before the body is validated.
    content = b"{}" if body and case.takes_body else None
    headers = {**headers, "Content-Type": "application/json"} if content else headers
    return await client.request(case.method, case.path, content=content, headers=headers)


def _assert_problem(response: httpx.Response, status: int, who: str) -> None:
    assert response.status_code == status, (who, response.status_code, response.text)
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE, who
    if response.request.method != "HEAD":
        assert response.json()["status"] == status, who


async def _check_anonymous(client: httpx.AsyncClient, case: RouteCase) -> None:
    if case.key in PUBLIC_ROUTES[case.service]:
        # Public: not refused. No body, so that a public write never runs for real here.
        response = await _call(client, case, {}, body=False)
        refused = response.status_code in (401, 403) or response.status_code >= 500
        assert not refused, f"{case.id} is listed public but answered {response.status_code}"
        return
    response = await _call(client, case, {}, body=True)
    _assert_problem(response, 401, "anonymous")
    assert response.headers["www-authenticate"] == "Bearer"


async def _check_roles(client: httpx.AsyncClient, case: RouteCase, tokens: dict[Role, str]) -> None:
    if case.key in PUBLIC_ROUTES[case.service]:
        return
    for role in sorted(BEARER_ROLES - _expected_roles(case)):
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        _assert_problem(await _call(client, case, headers, body=True), 403, role)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_route_refuses_whom_its_gate_does_not_admit(
    case: RouteCase,
    service_client_factory: Callable[..., Any],
    db_engine: AsyncEngine,
    token: Callable[..., str],
) -> None:
    service = service_client_factory(SERVICES[case.service], **GENEROUS_LIMITS)
    tokens = _bearer_tokens(token, service.app.state.settings.agency)
    before = await schema_state(db_engine, case.service)
    async with service as client:
        await _check_anonymous(client, case)
        await _check_roles(client, case, tokens)
    assert await schema_state(db_engine, case.service) == before


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_lists_name_only_existing_routes(service: str) -> None:
    """A list entry whose route was removed or renamed must go, so the lists stay true."""
    routes = {case.key for case in CASES if case.service == service}
    assert set(PUBLIC_ROUTES[service]) <= routes
    assert set(EXPECTED_ROLES.get(service, {})) <= routes


@pytest.mark.parametrize("service", list(SERVICES))
def test_only_the_platforms_own_routes_are_left_out(service: str) -> None:
    """Every route not walked above is a platform path (probes, metrics, docs), and the audit
    trail is walked: a service cannot hide a route from this test by its kind."""
    contexts = route_contexts(APPS[service])
    left_out = {
        str(context.path)
        for context in contexts
        if not isinstance(context.original_route, APIRoute) or context.path in PLATFORM_PATHS
    }
    assert left_out <= PLATFORM_PATHS
    walked = {case.template for case in CASES if case.service == service}
    assert "/audit/trail/{record_type}/{record_id:path}" in walked
