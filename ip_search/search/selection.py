"""The search backend of a process, chosen once at startup from ``search_backend``.

The app keeps the backend in ``app.state.search_backend``, shared by every request: PostgreSQL
searches on the app's read-only driver pool (``common.read_query``: cheaper per request than a
session), its similar searches from the resident index (``ip_search.search.resident``, read
before the app serves, again in the background after every import, and reported by ``/readyz``)
unless ``search_resident_index`` is off; OpenSearch on one client (opened and closed by this
lifespan), and adds its cluster to ``/readyz``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI

from ip_search.search.postgres import PostgresSearchBackend
from ip_search.search.resident.backend import ResidentSearchBackend
from ip_search.search.resident.holder import ResidentIndexHolder
from ip_search.settings import IpSearchSettings
from ip_search.trademarks.freshness import Freshness


@asynccontextmanager
async def search_backend_lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: IpSearchSettings = app.state.settings
    if settings.search_backend == "postgres":
        postgres = PostgresSearchBackend(app.state.read_pool)
        if not settings.search_resident_index:
            app.state.search_backend = postgres
            yield
            return
        freshness: Freshness = app.state.freshness
        holder = ResidentIndexHolder(
            app.state.read_pool,
            partial(freshness.get, app.state.read_pool),
            spread_seconds=settings.search_resident_reload_spread_seconds,
        )
        # Serve once the index is in (or its load failed: then from PostgreSQL, loading again
        # in the background), so a new replica does not send its first searches to PostgreSQL.
        holder.reload()
        try:
            await holder.loaded()
            app.state.readiness_probes["resident_index"] = holder.ready
            app.state.search_backend = ResidentSearchBackend(postgres, holder)
            yield
        finally:
            await holder.close()
        return
    # opensearch-py is the optional `opensearch` extra: imported only when it is selected.
    from ip_search.search.opensearch.backend import OpenSearchSearchBackend  # noqa: PLC0415
    from ip_search.search.opensearch.client import opensearch_client  # noqa: PLC0415

    client = opensearch_client(settings)
    backend = OpenSearchSearchBackend(client, settings.opensearch_index)
    app.state.search_backend = backend
    app.state.readiness_probes["opensearch"] = backend.ready
    try:
        yield
    finally:
        await client.close()
