"""``require_home_roles``: the role gate that serves officers of the service's own agency only.

A bare app with the principal placed where the authentication middleware puts it: another
agency's officer gets 404 on a route addressing a record and 403 on a collection; the home
agency's officers, firms and admins pass; a service naming no agency cannot use the gate.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from common.auth import Principal, Role, require_home_roles
from common.errors import PROBLEM_MEDIA_TYPE, install_problem_handlers

Staff = Annotated[Principal, Depends(require_home_roles(Role.OFFICER, Role.FIRM, Role.ADMIN))]
PRINCIPALS = {
    "home": Principal("officer-bsmi", Role.OFFICER, agency="BSMI"),
    "foreign": Principal("officer-ida", Role.OFFICER, agency="IDA"),
    "firm": Principal("firm-a", Role.FIRM, business_id="04595257"),
    "admin": Principal("admin-1", Role.ADMIN),
}


class _AsCaller:
    """Puts the principal named by the X-Caller header where the auth middleware puts one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        caller = dict(scope.get("headers", [])).get(b"x-caller", b"").decode()
        if caller:
            scope.setdefault("state", {})["principal"] = PRINCIPALS[caller]
        await self.app(scope, receive, send)


def _app(settings: object) -> FastAPI:
    app = FastAPI()
    app.state.settings = settings
    install_problem_handlers(app)

    @app.get("/things")
    async def things(principal: Staff) -> str:
        return principal.subject

    @app.get("/things/{thing_id}")
    async def thing(thing_id: int, principal: Staff) -> str:
        return principal.subject

    app.add_middleware(_AsCaller)
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(SimpleNamespace(agency="BSMI")))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.mark.parametrize(("path", "status"), [("/things", 403), ("/things/7", 404)])
async def test_an_officer_of_another_agency_is_refused(
    client: httpx.AsyncClient, path: str, status: int
) -> None:
    response = await client.get(path, headers={"X-Caller": "foreign"})
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE


@pytest.mark.parametrize("caller", ["home", "firm", "admin"])
async def test_the_home_agency_and_callers_bound_to_none_pass(
    client: httpx.AsyncClient, caller: str
) -> None:
    for path in ["/things", "/things/7"]:
        response = await client.get(path, headers={"X-Caller": caller})
        assert response.json() == PRINCIPALS[caller].subject, (caller, path)


async def test_the_role_gate_still_comes_first(client: httpx.AsyncClient) -> None:
    assert (await client.get("/things/7")).status_code == 401


async def test_a_service_naming_no_agency_cannot_use_the_gate() -> None:
    transport = httpx.ASGITransport(app=_app(SimpleNamespace()), raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        with pytest.raises(TypeError, match="names no agency"):
            await http.get("/things", headers={"X-Caller": "foreign"})
