"""``SessionDep`` lives only on ``CommittingRoute`` routes, which own its commit and close."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from common.database import ServiceRouter, SessionDep


def _app_with(router: APIRouter) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    return app


async def test_session_dep_on_a_plain_route_is_refused_not_leaked() -> None:
    # A plain APIRoute would never commit or close the session: refuse loudly instead.
    router = APIRouter()

    @router.get("/plain")
    async def plain(session: SessionDep) -> dict[str, str]:
        return {"session": type(session).__name__}

    transport = httpx.ASGITransport(app=_app_with(router))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        with pytest.raises(RuntimeError, match="CommittingRoute"):
            await client.get("/plain")


async def test_a_committing_route_that_never_asks_opens_no_session() -> None:
    # No app.state.database at all: a route without SessionDep must not touch it.
    router = ServiceRouter()

    @router.get("/no-db")
    async def no_db() -> dict[str, bool]:
        return {"ok": True}

    transport = httpx.ASGITransport(app=_app_with(router))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/no-db")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
