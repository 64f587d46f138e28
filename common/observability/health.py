"""Liveness and readiness: is the process alive; can it reach PostgreSQL and Redis now?

A service adds its own dependencies to the report by registering probes (name -> coroutine
function) in ``app.state.readiness_probes``, e.g. ip_search's OpenSearch cluster when selected.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel
from redis.asyncio import Redis
from sqlalchemy import text
from starlette.responses import Response

from common.database import Database

CHECK_TIMEOUT_SECONDS = 1.0

router = APIRouter(tags=["health"])


class Check(BaseModel):
    status: Literal["ok", "failing"]
    latency_ms: float
    error: str | None = None


class Readiness(BaseModel):
    status: Literal["ok", "degraded", "failing"]
    checks: dict[str, Check]


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"


async def _timed(name: str, probe: Awaitable[object]) -> tuple[str, Check]:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await probe
    except Exception as exc:  # any failure means "not ready"; say which kind
        elapsed = (time.perf_counter() - started) * 1000
        return name, Check(status="failing", latency_ms=elapsed, error=type(exc).__name__)
    return name, Check(status="ok", latency_ms=(time.perf_counter() - started) * 1000)


async def _ping_postgres(database: Database) -> None:
    async with database.read_engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _ping_redis(redis: Redis) -> None:
    await redis.ping()


@router.get("/livez", response_model=Liveness, summary="Liveness: the process answers")
@router.get("/healthz", response_model=Liveness, include_in_schema=False)
async def livez() -> Liveness:
    return Liveness()


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness: PostgreSQL answers within a second (Redis and others are reported)",
    responses={503: {"model": Readiness, "description": "A dependency is failing"}},
)
async def readyz(request: Request, response: Response) -> Readiness:
    """Without PostgreSQL the pod leaves the load balancer. Without Redis it stays: public
    reads keep working uncached with local rate limits, and pulling every pod because the
    shared cache is down would turn a degradation into an outage. A service's own probes are
    reported the same way, for the same reason."""
    probes: Mapping[str, Callable[[], Awaitable[object]]] = request.app.state.readiness_probes
    checks = dict(
        await asyncio.gather(
            _timed("postgresql", _ping_postgres(request.app.state.database)),
            _timed("redis", _ping_redis(request.app.state.redis)),
            *(_timed(name, probe()) for name, probe in probes.items()),
        )
    )
    if checks["postgresql"].status == "failing":
        response.status_code = 503
        return Readiness(status="failing", checks=checks)
    degraded = any(check.status == "failing" for check in checks.values())
    return Readiness(status="degraded" if degraded else "ok", checks=checks)
