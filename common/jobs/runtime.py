"""Everything the worker of one service needs: settings, engine, tables, handlers, policy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from common.database import create_engine
from common.jobs.messages import OutboxHandler
from common.jobs.retry import RetryPolicy
from common.jobs.schedule import ScheduledJob
from common.manifest import ServiceManifest
from common.pii import FieldCipher
from common.platform_tables import PlatformTables
from common.settings import ServiceSettings

RUNTIMES_KEY = "moea_runtimes"  # in arq's ctx: schema -> ServiceRuntime
HTTP_TIMEOUT_SECONDS = 10.0


@dataclass(slots=True)
class ServiceRuntime:
    schema: str
    settings: ServiceSettings
    engine: AsyncEngine
    tables: PlatformTables
    handlers: Mapping[str, OutboxHandler] = field(default_factory=dict)
    jobs: tuple[Callable[..., Any], ...] = ()
    scheduled: tuple[ScheduledJob, ...] = ()
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    http_transport: httpx.AsyncBaseTransport | None = None  # tests record requests here
    sessions: async_sessionmaker[AsyncSession] = field(init=False)
    cipher: FieldCipher = field(init=False)
    http_client: httpx.AsyncClient = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.cipher = FieldCipher.from_settings(self.settings)
        # Handlers pass their own per-request timeouts where a channel needs a different one.
        self.http_client = httpx.AsyncClient(
            transport=self.http_transport, timeout=HTTP_TIMEOUT_SECONDS
        )

    @classmethod
    def from_manifest(
        cls,
        manifest: ServiceManifest,
        settings: ServiceSettings,
        policy: RetryPolicy | None = None,
    ) -> ServiceRuntime:
        return cls(
            schema=manifest.name,
            settings=settings,
            engine=create_engine(settings),
            tables=manifest.tables,
            handlers=manifest.outbox_handlers,
            jobs=manifest.jobs,
            scheduled=manifest.scheduled,
            policy=policy or RetryPolicy(),
        )

    async def close(self) -> None:
        await self.http_client.aclose()
        await self.engine.dispose()


def runtime_for(ctx: Mapping[str, Any], schema: str) -> ServiceRuntime:
    """The runtime of ``schema`` from an arq job context."""
    runtimes: Mapping[str, ServiceRuntime] = ctx[RUNTIMES_KEY]
    try:
        return runtimes[schema]
    except KeyError:
        raise LookupError(f"this worker does not serve schema {schema!r}") from None
