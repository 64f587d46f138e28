"""The apps ``bench/inspection.py`` measures, each served by its own uvicorn process.

``yardstick_app`` is a bare FastAPI route answering a document shaped like a public check;
``warm_app`` is the real inspection app; ``cold_app`` is the same app whose cache misses on
every request (it still asks Redis and stores the answer, as a real miss does), so each request
reads PostgreSQL. Settings come from ``MOEA_BENCH_INSPECTION`` (JSON), read by the factories.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from common.caching import RedisCache, Representation
from inspection.app import create_app
from inspection.settings import InspectionSettings

CONFIG_VARIABLE = "MOEA_BENCH_INSPECTION"
COLD_TTL_SECONDS = 1


def _settings() -> InspectionSettings:
    return InspectionSettings(**json.loads(os.environ[CONFIG_VARIABLE]))


def yardstick_app() -> FastAPI:
    app = FastAPI()

    @app.get("/public-checks/{kind}/{subject_id}")
    async def check(kind: str, subject_id: str) -> dict[str, Any]:
        return {
            "kind": kind,
            "id": subject_id,
            "status": "valid",
            "valid": True,
            "valid_from": "2024-06-01",
            "valid_until": "2027-05-31",
            "since": "2024-05-31T16:00:00Z",
            "holder": "東和鋼鐵企業股份有限公司",
            "product": "鋼筋混凝土用鋼筋",
            "certificates": [],
            "as_of": "2025-03-03",
            "qr_payload": f"HTTPS://CHECK.MOEA-CLOUD.EXAMPLE/Q/N/{subject_id}",
        }

    return app


def warm_app() -> FastAPI:
    return create_app(_settings())


class AlwaysMissingCache(RedisCache):
    """A cache whose every lookup misses: a fresh key per request, stored like a real miss."""

    async def representation(
        self,
        key: str,
        ttl: int,
        compute: Callable[[], Awaitable[bytes]],
        *,
        store_first_ask: bool = True,
    ) -> Representation:
        fresh = f"{key}:{uuid.uuid4().hex}"
        return await super().representation(
            fresh, COLD_TTL_SECONDS, compute, store_first_ask=store_first_ask
        )


def cold_app() -> FastAPI:
    """The app with ``AlwaysMissingCache`` as its cache, installed once its Redis client exists."""
    app = create_app(_settings())
    platform_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with platform_lifespan(app):
            app.state.cache = AlwaysMissingCache(app.state.redis, prefix="bench-cold:")
            yield

    app.router.lifespan_context = lifespan
    return app
