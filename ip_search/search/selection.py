"""The search backend of a process, chosen once at startup from ``search_backend``.

The app keeps the backend in ``app.state.search_backend``, shared by every request: PostgreSQL
searches on the app's read-only driver pool (``common.read_query``: cheaper per request than a
session); OpenSearch on one client (opened and closed by this lifespan), and adds its cluster to
``/readyz``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ip_search.search.postgres import PostgresSearchBackend
from ip_search.settings import IpSearchSettings


@asynccontextmanager
async def search_backend_lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: IpSearchSettings = app.state.settings
    if settings.search_backend == "postgres":
        app.state.search_backend = PostgresSearchBackend(app.state.read_pool)
        yield
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
