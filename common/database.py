"""Async database access: one engine per process, one session per request.

Safe requests (GET, HEAD, OPTIONS) get a session on an AUTOCOMMIT connection: a single-statement
read needs no BEGIN/ROLLBACK round trips, which is most of what a plain ORM route spends over a
raw driver. Other requests get a transactional session that ``CommittingRoute`` commits after the
endpoint returns and *before* the response is sent, so a client never sees success for a write
that did not land.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import anyio
import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from common.direct_endpoint import Handler, direct_handler
from common.fair_pool import FairAsyncQueuePool
from common.settings import ServiceSettings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_AFTER_COMMIT_KEY = "moea.after_commit"

logger = structlog.get_logger("moea.database")
AfterCommit = Callable[[], Awaitable[object]]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    """The MetaData of one service: its own schema and the project's constraint names."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


class Database:
    """The engine and session factories of one service (created in the app lifespan)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.read_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._write_sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> Database:
        return cls(create_engine(settings))

    def session(self, *, read_only: bool = False) -> AsyncSession:
        return (self._read_sessions if read_only else self._write_sessions)()

    async def dispose(self) -> None:
        await self.engine.dispose()


def connection_settings(settings: ServiceSettings, application_name: str) -> dict[str, str]:
    """The PostgreSQL settings of every connection a service opens, by either path.

    JIT is off: every statement is a short indexed read or write, and JIT compiles a plan whose
    estimated cost passes ``jit_above_cost``, which some trademark listings and similar-wording
    searches near the threshold do. Measured on the 1,000,000-mark register: 50-250 ms of
    compilation added to statements that ran in 5-20 ms, a latency spike for their requests.
    """
    return {
        "statement_timeout": str(settings.database_statement_timeout_ms),
        "application_name": application_name,
        "jit": "off",
    }


def create_engine(settings: ServiceSettings) -> AsyncEngine:
    return create_async_engine(
        settings.database_url,
        poolclass=FairAsyncQueuePool,  # waiting requests get connections in arrival order
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_recycle=1800,
        connect_args={
            "server_settings": connection_settings(settings, f"moea-{settings.service_name}"),
            "timeout": 5,
        },
    )


def request_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


class _SessionSlot:
    """Where a ``CommittingRoute`` keeps its request's session, opened on first use."""

    __slots__ = ("session",)

    def __init__(self) -> None:
        self.session: AsyncSession | None = None


_SLOT_KEY = "moea.db_session"


async def request_session(request: Request) -> AsyncSession:
    """The request's session: one per request, shared by every dependency that asks for it.

    ``CommittingRoute`` owns its lifecycle (commit before the response, close always), so this
    is a plain function rather than a ``yield`` dependency: FastAPI's exit-stack machinery for
    those costs more per request than the rest of the session handling together.
    """
    slot: _SessionSlot | None = request.scope.get(_SLOT_KEY)
    if slot is None:
        raise RuntimeError("SessionDep needs a CommittingRoute: put the route on a ServiceRouter")
    if slot.session is None:
        read_only = request.method in SAFE_METHODS
        slot.session = request_database(request).session(read_only=read_only)
    return slot.session


SessionDep = Annotated[AsyncSession, Depends(request_session)]

BeforeCommitHook = Callable[[Request, Response, AsyncSession], Awaitable[None]]


class CommittingRoute(APIRoute):
    """Commits the request's session after the endpoint and before the response is sent.

    Hooks registered in ``app.state.before_commit`` (idempotency uses one) run inside the same
    transaction, so what they store lands atomically with the endpoint's own writes. If the
    endpoint raises, nothing is committed: closing the session rolls its transaction back. An
    endpoint that takes the request alone is called directly (``common.direct_endpoint``).
    """

    def get_route_handler(self) -> Handler:
        handler = direct_handler(self) or super().get_route_handler()

        async def committing_handler(request: Request) -> Response:
            slot = request.scope[_SLOT_KEY] = _SessionSlot()
            try:
                response = await handler(request)
                # A safe method's session runs on AUTOCOMMIT: each statement committed itself.
                writes = request.method not in SAFE_METHODS
                if writes and slot.session is not None and slot.session.in_transaction():
                    await _commit(request, response, slot.session)
                for callback in request.scope.pop(_AFTER_COMMIT_KEY, ()):
                    await _run_after_commit(callback)
                return response
            finally:
                if slot.session is not None:
                    # Shielded: a cancelled request must still hand its connection back.
                    with anyio.CancelScope(shield=True):
                        await slot.session.close()

        return committing_handler


def after_commit(request: Request, callback: AfterCommit) -> None:
    """Run ``callback`` once the request's writes have committed, before the response leaves.

    For side effects that must not precede the commit, such as deleting a cache entry: deleted
    earlier, a concurrent reader could cache the old state again. Skipped if the request fails.
    """
    request.scope.setdefault(_AFTER_COMMIT_KEY, []).append(callback)


async def _run_after_commit(callback: AfterCommit) -> None:
    # The change is committed: a failing side effect must not turn it into an error response.
    try:
        await callback()
    except Exception as exc:  # logged; the committed change stands
        logger.warning("after-commit callback failed", error=repr(exc))


async def _commit(request: Request, response: Response, session: AsyncSession) -> None:
    for hook in getattr(request.app.state, "before_commit", ()):
        await hook(request, response, session)
    await session.commit()


class ServiceRouter(APIRouter):
    """An APIRouter whose routes commit the request's session before responding."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", CommittingRoute)
        super().__init__(**kwargs)
