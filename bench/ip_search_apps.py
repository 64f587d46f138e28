"""The yardstick ``bench/ip_search.py`` measures search against: one PK select on raw asyncpg.

``GET /marks/{n}`` reads the n-th of a fixed list of application numbers (loaded at startup) by
primary key from the same register the search serves. Configuration comes from the
``MOEA_BENCH_IP_SEARCH`` environment variable (JSON), read when uvicorn calls the factory.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI
from pydantic import BaseModel

from common.errors import NotFound

CONFIG_VARIABLE = "MOEA_BENCH_IP_SEARCH"
NUMBERS = "SELECT application_no FROM ip_search.trademark ORDER BY application_no LIMIT $1"
SELECT_MARK = (
    "SELECT application_no, registration_no, name, status, kind, nice_classes "
    "FROM ip_search.trademark WHERE application_no = $1"
)


class Mark(BaseModel):
    application_no: str
    registration_no: str | None
    name: str
    status: str
    kind: str
    nice_classes: list[int]


def yardstick_app() -> FastAPI:
    config: dict[str, Any] = json.loads(os.environ[CONFIG_VARIABLE])

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        size = config["pool_size"]
        app.state.pool = await asyncpg.create_pool(config["dsn"], min_size=size, max_size=size)
        rows = await app.state.pool.fetch(NUMBERS, config["id_count"])
        app.state.numbers = [row[0] for row in rows]
        try:
            yield
        finally:
            await app.state.pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/marks/{n}", response_model=Mark)
    async def read_mark(n: int) -> Any:
        numbers: list[str] = app.state.numbers
        row = await app.state.pool.fetchrow(SELECT_MARK, numbers[(n - 1) % len(numbers)])
        if row is None:
            raise NotFound()
        return dict(row)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
