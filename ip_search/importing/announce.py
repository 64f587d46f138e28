"""The outbox message an import commits together with its marks: "import run N wrote marks".

Whoever follows the register handles its own topic: watch matching, and the OpenSearch index
(one message each, so one follower's failure and retries never hold up the other). The messages
are written on the import's own asyncpg connection, inside its transaction, so an import is
never committed without its announcement nor announced without being committed.
"""

from __future__ import annotations

from typing import Any

import orjson

from common.jobs.outbox import check_payload, check_topic

IMPORT_FINISHED_TOPIC = "trademark_import.finished"
"""Payload: ``{"run_id": N}``; the marks of the run are those with ``import_run_id = N``."""
SEARCH_INDEX_TOPIC = "trademark_import.index"
"""The same payload, for the search index (``ip_search.search.sync``)."""
FOLLOWER_TOPICS = (IMPORT_FINISHED_TOPIC, SEARCH_INDEX_TOPIC)

_INSERT = "INSERT INTO ip_search.outbox (topic, payload) VALUES ($1, $2::jsonb)"


async def announce_import(driver: Any, run_id: int) -> None:
    """Queue the announcement in the caller's transaction on ``driver`` (an asyncpg connection)."""
    payload = orjson.dumps(check_payload({"run_id": run_id})).decode()
    for topic in FOLLOWER_TOPICS:
        await driver.execute(_INSERT, check_topic(topic), payload)
