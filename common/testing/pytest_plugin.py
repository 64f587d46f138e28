"""pytest plugin: real PostgreSQL and Redis, real migrations, every test on empty tables.

PostgreSQL: ``TEST_DATABASE_URL`` (a server; a fresh database is created for the run and dropped
after) or else a throwaway embedded server. Redis: ``TEST_REDIS_URL`` or else embedded. The
project's conftest provides the ``moea_manifests`` fixture: the services to migrate.

Isolation: after every test that touched the database, every service table is truncated and the
Redis database flushed, so tests may commit for real (concurrency tests must) and still never
see each other's rows.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from common.auth.dev_issuer import DevIssuer
from common.auth.principal import Role
from common.embedded import embedded_postgres, embedded_redis
from common.manifest import ServiceManifest
from common.migrations import upgrade
from common.settings import ServiceSettings, asyncpg_url

TokenFactory = Callable[..., str]


@pytest.fixture(scope="session")
def moea_manifests() -> list[ServiceManifest]:
    """Override in the project's conftest: the services whose schemas the tests need."""
    return []


@pytest.fixture(scope="session")
def moea_backend_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with ExitStack() as stack:
        base = tmp_path_factory.mktemp("backends")
        database_url = os.environ.get("TEST_DATABASE_URL") or stack.enter_context(
            embedded_postgres(base / "postgres", database="postgres")
        )
        redis_url = os.environ.get("TEST_REDIS_URL") or stack.enter_context(
            embedded_redis(base / "redis")
        )
        yield asyncpg_url(database_url), redis_url


@pytest.fixture(scope="session")
async def database_url(
    moea_backend_urls: tuple[str, str], moea_manifests: list[ServiceManifest]
) -> AsyncIterator[str]:
    """A fresh database for this run, migrated to head by each service's Alembic tree."""
    server_url = make_url(moea_backend_urls[0])
    name = f"moea_test_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.set(database=name).render_as_string(hide_password=False)
    try:
        for manifest in moea_manifests:
            await asyncio.to_thread(upgrade, manifest.migrations, url)
        yield url
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture(scope="session")
def redis_url(moea_backend_urls: tuple[str, str]) -> str:
    return moea_backend_urls[1]


@pytest.fixture(scope="session")
async def db_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def _service_tables(db_engine: AsyncEngine, moea_manifests: list[ServiceManifest]) -> str:
    schemas = [manifest.name for manifest in moea_manifests]
    async with db_engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) "
                "FROM pg_tables WHERE schemaname = ANY(:schemas) AND tablename <> 'alembic_version'"
            ),
            {"schemas": schemas},
        )
        return ", ".join(row[0] for row in rows)


@pytest.fixture
async def clean_backends(
    db_engine: AsyncEngine, _service_tables: str, redis_url: str
) -> AsyncIterator[None]:
    """Empty tables and Redis after the test (and before, in case a crashed run left rows)."""
    await _empty(db_engine, _service_tables, redis_url)
    yield
    await _empty(db_engine, _service_tables, redis_url)


async def _empty(engine: AsyncEngine, tables: str, redis_url: str) -> None:
    if tables:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    redis: Redis = Redis.from_url(redis_url)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()


@pytest.fixture(scope="session")
def dev_issuer_key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("issuer") / "dev-issuer-key.pem"


@pytest.fixture(scope="session")
def settings_overrides(
    database_url: str, redis_url: str, dev_issuer_key_path: Path
) -> dict[str, Any]:
    """What every test service's settings get: the test backends and the test issuer."""
    return {
        "environment": "development",
        "database_url": database_url,
        "redis_url": redis_url,
        "dev_issuer_key_path": dev_issuer_key_path,
        "log_json": True,
    }


@pytest.fixture(scope="session")
def dev_issuer(dev_issuer_key_path: Path) -> DevIssuer:
    defaults = ServiceSettings()
    return DevIssuer.load_or_create(
        dev_issuer_key_path, issuer=defaults.jwt_issuer, audience=defaults.jwt_audience
    )


@pytest.fixture(scope="session")
def token(dev_issuer: DevIssuer) -> TokenFactory:
    """``token("firm", business_id="04595257")`` -> a signed development JWT."""

    def make(role: str, **claims: Any) -> str:
        return dev_issuer.issue(Role(role), **claims)

    return make


@pytest.fixture
def service_client_factory(
    settings_overrides: dict[str, Any], clean_backends: None
) -> Callable[..., Any]:
    """``async with service_client_factory(manifest) as client:`` runs the app's lifespan."""
    return lambda manifest, **extra: ServiceClient(manifest, {**settings_overrides, **extra})


class ServiceClient:
    """An httpx client on a service app, inside the app's lifespan."""

    def __init__(self, manifest: ServiceManifest, overrides: dict[str, Any]) -> None:
        self.app = manifest.create_app(manifest.settings(**overrides))
        self._lifespan = self.app.router.lifespan_context(self.app)
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> httpx.AsyncClient:
        await self._lifespan.__aenter__()
        transport = httpx.ASGITransport(app=self.app, client=("198.51.100.7", 50000))
        self._client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        return self._client

    async def __aexit__(self, *exc: object) -> None:
        assert self._client is not None
        await self._client.aclose()
        await self._lifespan.__aexit__(*exc)  # type: ignore[arg-type]
