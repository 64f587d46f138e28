"""Keeping the OpenSearch index in step with the register: the outbox handler of imports.

An import commits its marks and an outbox message in one transaction (``importing.announce``);
the worker then indexes that import's marks, ``indexer.CHUNK`` per delivery. With the
PostgreSQL backend the message has nothing to do: the import wrote the key tables itself.
"""

from __future__ import annotations

from common.jobs import Delivery, enqueue
from ip_search.importing.announce import SEARCH_INDEX_TOPIC
from ip_search.models import platform_tables
from ip_search.settings import IpSearchSettings


async def index_imported_marks(delivery: Delivery) -> None:
    """Outbox handler: index a chunk of import run ``payload["run_id"]`` into OpenSearch; a
    follow-up message, committed with this delivery, carries on after its last mark."""
    settings = delivery.settings
    if not isinstance(settings, IpSearchSettings) or settings.search_backend != "opensearch":
        return
    # opensearch-py is the optional `opensearch` extra: imported only when it is selected.
    from ip_search.search.opensearch.client import opensearch_client  # noqa: PLC0415
    from ip_search.search.opensearch.indexer import index_run_chunk  # noqa: PLC0415

    run_id = int(delivery.message.payload["run_id"])
    after = str(delivery.message.payload.get("after", ""))
    client = opensearch_client(settings)
    try:
        last = await index_run_chunk(
            client, delivery.session, settings.opensearch_index, run_id, after=after
        )
    finally:
        await client.close()
    if last is not None:
        payload = {"run_id": run_id, "after": last}
        await enqueue(delivery.session, platform_tables, SEARCH_INDEX_TOPIC, payload)
