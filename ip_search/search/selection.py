"""The search backend of a process, chosen once at startup from ``search_backend``.

The app keeps a factory in ``app.state.search_backend``: a request's backend from its database
session. PostgreSQL searches on that session; OpenSearch shares one client (opened and closed by
this lifespan) across requests and adds its cluster to ``/readyz``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from ip_search.search.backend import SearchBackend
from ip_search.search.postgres import PostgresSearchBackend
from ip_search.settings import IpSearchSettings

SearchBackendFactory = Callable[[AsyncSession], SearchBackend]


@asynccontextmanager
async def search_backend_lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: IpSearchSettings = app.state.settings
    if settings.search_backend == "postgres":
        factory: SearchBackendFactory = PostgresSearchBackend
        app.state.search_backend = factory
        yield
        return
    # opensearch-py is the optional `opensearch` extra: imported only when it is selected.
    from ip_search.search.opensearch.backend import OpenSearchSearchBackend  # noqa: PLC0415
    from ip_search.search.opensearch.client import opensearch_client  # noqa: PLC0415

    client = opensearch_client(settings)
    backend = OpenSearchSearchBackend(client, settings.opensearch_index)
    app.state.search_backend = lambda _session: backend
    app.state.readiness_probes["opensearch"] = backend.ready
    try:
        yield
    finally:
        await client.close()
