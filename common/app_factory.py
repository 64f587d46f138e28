"""``create_service_app``: the one way a moea-cloud service app is built.

Every service gets the same edge (request id, metrics, security headers, body limit, CORS,
authentication, rate limits), the same problem+json errors, health and metrics routes, offline
docs, and a lifespan that opens and closes its database engine, Redis client and HTTP client
(and, in the first app of a process, tunes the garbage collector: ``common.gc_tuning``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from redis.asyncio import Redis

from common.audit.endpoints import router as audit_router
from common.audit.scope import TrailOwner
from common.auth.dev_issuer import DevIssuer
from common.auth.middleware import AuthenticationMiddleware
from common.auth.tokens import JwksKeys, TokenVerifier
from common.database import CommittingRoute, Database
from common.docs import install_offline_docs
from common.error_boundary import ErrorBoundaryMiddleware
from common.errors import PROBLEM_RESPONSES, install_problem_handlers
from common.gc_tuning import tune_for_serving
from common.http_edge import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from common.idempotency import install_idempotency
from common.observability.health import router as health_router
from common.observability.logging import configure_logging
from common.observability.metrics import MetricsMiddleware, metrics_endpoint
from common.observability.request_context import RequestContextMiddleware
from common.pii.cipher import FieldCipher
from common.platform_tables import PlatformTables
from common.ratelimit import BudgetResolver, RateLimitMiddleware
from common.read_query import ReadPool
from common.settings import ServiceSettings

REDIS_TIMEOUT_SECONDS = 0.5

ServiceLifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]
"""A service's own resources (e.g. a search cluster client), opened after the platform's."""


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    title: str
    description: str
    settings: ServiceSettings
    tables: PlatformTables
    routers: Sequence[APIRouter] = field(default=())
    # rate-limit budgets of the service's own clients (e.g. API keys); see common.ratelimit
    rate_limit_budget: BudgetResolver | None = None
    lifespans: Sequence[ServiceLifespan] = field(default=())
    # which agency owns an audited record; officers read only their agency's trails
    trail_owner: TrailOwner | None = None
    version: str = "0.1.0"


def create_service_app(definition: ServiceDefinition) -> FastAPI:
    settings = definition.settings
    configure_logging(
        level=settings.log_level, json=settings.log_json, soc=settings.soc_log_enabled
    )
    http_client = httpx.AsyncClient(timeout=10.0)
    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version=definition.version,
        lifespan=_lifespan(settings, http_client, definition.lifespans),
        docs_url=None,
        redoc_url=None,
        responses=PROBLEM_RESPONSES,
        # FastAPI's native OpenTelemetry: off unless asked for; with it on, the standard
        # OTEL_* variables configure the exporters (install the `otel` extra).
        telemetry={
            "tracing": settings.otel_enabled,
            "metrics": settings.otel_enabled,
            "logs": settings.otel_enabled,
            "auto_configure": settings.otel_enabled,
        },
    )
    app.router.route_class = CommittingRoute
    app.state.settings = settings
    app.state.tables = definition.tables
    app.state.trail_owner = definition.trail_owner
    app.state.before_commit = []
    # name -> probe; /readyz reports each (a service's lifespan registers what it opened)
    app.state.readiness_probes = {}
    app.state.pii_cipher = FieldCipher.from_settings(settings)
    install_problem_handlers(app)
    install_idempotency(app)
    _install_routes(app, definition)
    _install_middleware(app, settings, _token_verifier(settings, http_client), definition)
    return app


def _install_routes(app: FastAPI, definition: ServiceDefinition) -> None:
    # The service's routes first: routing tries routes in order (FastAPI matches an included
    # router's routes twice per request), and they carry the traffic. None may shadow one of
    # the platform's few fixed paths (tests/e2e/test_route_order.py).
    for router in definition.routers:
        app.include_router(router)
    app.include_router(health_router)
    app.include_router(audit_router)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    install_offline_docs(app)


def _install_middleware(
    app: FastAPI, settings: ServiceSettings, verifier: TokenVerifier, definition: ServiceDefinition
) -> None:
    # add_middleware wraps: the last added runs first. Order of a request, outermost first:
    # request id -> metrics -> security headers -> body limit -> CORS -> error boundary ->
    # authentication -> rate limit (inside authentication, so it knows the principal). The
    # boundary's 500s thus pass everything a response gets on its way out.
    app.add_middleware(
        RateLimitMiddleware, settings=settings, budget_resolver=definition.rate_limit_budget
    )
    app.add_middleware(AuthenticationMiddleware, verifier=verifier, defer_refusals=True)
    app.add_middleware(ErrorBoundaryMiddleware, service=definition.name)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
            expose_headers=["ETag", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"],
        )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(MetricsMiddleware, service=definition.name)
    app.add_middleware(RequestContextMiddleware)


def _token_verifier(settings: ServiceSettings, http_client: httpx.AsyncClient) -> TokenVerifier:
    if settings.jwks_url:
        keys = JwksKeys(settings.jwks_url, http_client, cache_seconds=settings.jwks_cache_seconds)
        return TokenVerifier(keys, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    if not settings.is_development:
        raise ValueError("jwks_url is required outside environment=development")
    issuer = DevIssuer.load_or_create(
        settings.dev_issuer_key_path, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    return TokenVerifier.for_dev_issuer(issuer)


def redis_client(url: str) -> Redis:
    """Short timeouts: a slow or absent Redis must degrade a request, not hang it."""
    client: Redis = Redis.from_url(
        url,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        health_check_interval=30,
    )
    return client


def _lifespan(  # type: ignore[no-untyped-def]
    settings: ServiceSettings, http_client: httpx.AsyncClient, services: Sequence[ServiceLifespan]
):
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.database = Database.from_settings(settings)
        app.state.read_pool = ReadPool(settings)
        app.state.redis = redis_client(settings.redis_url)
        app.state.http_client = http_client
        try:
            async with AsyncExitStack() as stack:
                for service_lifespan in services:
                    await stack.enter_async_context(service_lifespan(app))
                tune_for_serving()
                yield
        finally:
            counter = getattr(app.state, "rate_counter", None)
            if counter is not None:  # push the last batched increments while Redis is open
                await counter.aclose()
            await app.state.database.dispose()
            await app.state.read_pool.close()
            await app.state.redis.aclose()
            await http_client.aclose()

    return lifespan
