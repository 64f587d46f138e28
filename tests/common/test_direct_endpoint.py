"""Endpoints taking the request alone and returning a Response are called without FastAPI's
handler; every other endpoint keeps it (parameters validated, dependencies run, results
serialised), and a direct one answers, and fails, as it would through FastAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.dependencies.utils import solve_dependencies
from fastapi.routing import APIRoute

from common.database import ServiceRouter
from common.direct_endpoint import direct_handler
from ip_search.trademarks.endpoints import router as trademark_router

router = ServiceRouter()


async def refuse() -> None:
    raise HTTPException(403, "refused by a dependency")


@router.get("/direct")
async def direct(request: Request) -> Response:
    if request.query_params.get("fail"):
        raise HTTPException(404, "gone")
    return Response(b"direct", headers={"x-path": request.url.path})


@router.get("/with-param")
async def with_param(request: Request, n: int) -> Response:
    return Response(str(n * 2).encode())


@router.get("/returns-dict")
async def returns_dict(request: Request) -> dict[str, str]:
    return {"path": request.url.path}


@router.get("/guarded", dependencies=[Depends(refuse)])
async def guarded(request: Request) -> Response:
    return Response(b"should not be reached")


@router.get("/sync")
def sync_endpoint(request: Request) -> Response:
    return Response(b"sync")


def _app() -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    return app


def _routes() -> dict[str, APIRoute]:
    return {route.path: route for route in router.routes if isinstance(route, APIRoute)}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def test_only_an_endpoint_of_the_request_alone_returning_a_response_is_direct() -> None:
    routes = _routes()
    assert direct_handler(routes["/direct"]) is not None
    for path in ("/with-param", "/returns-dict", "/guarded", "/sync"):
        assert direct_handler(routes[path]) is None, path


def test_the_trademark_search_is_direct() -> None:
    search = next(
        r
        for r in trademark_router.routes
        if isinstance(r, APIRoute) and r.name == "search_trademarks"
    )
    assert direct_handler(search) is not None


async def test_a_direct_endpoint_answers_and_fails_as_through_fastapi(
    client: httpx.AsyncClient,
) -> None:
    answered = await client.get("/direct")
    assert (answered.status_code, answered.content) == (200, b"direct")
    assert answered.headers["x-path"] == "/direct"
    failed = await client.get("/direct", params={"fail": "1"})
    assert (failed.status_code, failed.json()) == (404, {"detail": "gone"})


async def test_the_other_endpoints_keep_fastapi(client: httpx.AsyncClient) -> None:
    assert (await client.get("/with-param", params={"n": "21"})).content == b"42"
    assert (await client.get("/with-param", params={"n": "x"})).status_code == 422
    assert (await client.get("/returns-dict")).json() == {"path": "/returns-dict"}
    refused = await client.get("/guarded")
    assert (refused.status_code, refused.json()) == (403, {"detail": "refused by a dependency"})
    assert (await client.get("/sync")).content == b"sync"


@pytest.mark.parametrize("level", ["inclusion", "app"])
async def test_dependencies_added_where_the_router_is_included_still_run(level: str) -> None:
    """FastAPI solves them in the handler of the route as included: it must be kept."""
    app = FastAPI(dependencies=[Depends(refuse)] if level == "app" else None)
    app.include_router(router, dependencies=[Depends(refuse)] if level == "inclusion" else None)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        refused = await client.get("/direct")
    assert (refused.status_code, refused.json()) == (403, {"detail": "refused by a dependency"})


async def test_an_included_direct_endpoint_skips_dependency_solving(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    solved: list[str] = []

    async def counting(*args: Any, **kwargs: Any) -> Any:
        solved.append(kwargs["request"].url.path)
        return await solve_dependencies(*args, **kwargs)

    monkeypatch.setattr("fastapi.routing.solve_dependencies", counting)
    assert (await client.get("/direct")).status_code == 200
    assert (await client.get("/with-param", params={"n": "1"})).status_code == 200
    assert solved == ["/with-param"]
