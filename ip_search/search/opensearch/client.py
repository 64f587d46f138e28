"""The OpenSearch client of a process, from the settings (opensearch-py, async over aiohttp)."""

from __future__ import annotations

from opensearchpy import AsyncOpenSearch

from ip_search.settings import IpSearchSettings

RETRIES = 1
"""One retry on another node for a connection error; searches must fail fast, not queue."""


def opensearch_client(settings: IpSearchSettings) -> AsyncOpenSearch:
    """A client of ``opensearch_url`` (credentials and TLS from the URL; certificates verified)."""
    if settings.opensearch_url is None:
        raise ValueError("opensearch_url is not set (IP_SEARCH_OPENSEARCH_URL)")
    return AsyncOpenSearch(
        hosts=[settings.opensearch_url.get_secret_value()],
        timeout=settings.opensearch_timeout_seconds,
        max_retries=RETRIES,
        retry_on_timeout=False,
    )
