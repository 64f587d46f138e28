"""All four services in one process, mounted at the prefixes the ingress uses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from common.errors import install_problem_handlers
from common.http_edge import SecurityHeadersMiddleware
from common.manifest import ServiceManifest
from common.settings import ServiceSettings


def create_all_in_one_app(
    manifests: list[ServiceManifest], overrides: Mapping[str, Any] | None = None
) -> Starlette:
    """Mount every service app and run each one's lifespan inside the parent's."""
    apps: dict[str, FastAPI] = {
        manifest.url_prefix: manifest.create_app(manifest.settings(**(overrides or {})))
        for manifest in manifests
    }

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for app in apps.values():
                await stack.enter_async_context(app.router.lifespan_context(app))
            yield

    async def index(_: Request) -> JSONResponse:
        return JSONResponse(
            {
                "services": [
                    {
                        "name": manifest.name,
                        "prefix": manifest.url_prefix,
                        "docs": f"{manifest.url_prefix}/docs",
                        "readyz": f"{manifest.url_prefix}/readyz",
                    }
                    for manifest in manifests
                ]
            }
        )

    routes = [Route("/", index), *(Mount(prefix, app=app) for prefix, app in apps.items())]
    # The parent answers what no service matched (a path outside every prefix): with the same
    # problem documents and security headers as the services themselves.
    parent = Starlette(
        routes=routes, lifespan=lifespan, middleware=[Middleware(SecurityHeadersMiddleware)]
    )
    install_problem_handlers(parent)
    return parent


def settings_overrides(database_url: str | None, redis_url: str | None) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if database_url:
        overrides["database_url"] = database_url
    if redis_url:
        overrides["redis_url"] = redis_url
    return overrides


__all__ = ["ServiceSettings", "create_all_in_one_app", "settings_overrides"]
