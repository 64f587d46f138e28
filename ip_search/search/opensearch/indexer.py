"""Filling the search index from PostgreSQL: full reindex behind an alias, and per import.

A full reindex builds a new versioned index (``{alias}-<timestamp>``) from a streamed read of
the register, with refresh and replicas off while it loads, then swaps the alias to it in one
atomic ``_aliases`` call, so searches see the old index or the new one, never half of one.
Imports that commit while it runs may have written to the old index only; after the swap it
indexes again the marks of every import that finished since it started (``CATCH_UP``). The old
indices are deleted last. Each import is then indexed through the alias, a chunk of marks per
outbox delivery (``index_run_chunk``), so no delivery outlives the worker's handler timeout.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from opensearchpy import AsyncOpenSearch, NotFoundError
from opensearchpy.helpers import async_bulk
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from ip_search.search.opensearch import repository
from ip_search.search.opensearch.documents import index_action
from ip_search.search.opensearch.mapping import index_body, live_settings, versioned_name

logger = structlog.get_logger("moea.search")

CHUNK = 1000
"""Marks per bulk request (about 1 MB) and rows per database fetch."""
BULK_RETRIES = 3
"""Retries of the marks a busy cluster refused with 429, with growing pauses."""
CATCH_UP = dt.timedelta(minutes=5)
"""How long before its start a reindex looks back for imports that may have missed it."""


@dataclass(frozen=True, slots=True)
class ReindexReport:
    index: str
    marks: int
    retired: tuple[str, ...]
    caught_up: int


async def bulk_index(
    client: AsyncOpenSearch, index: str, rows: AsyncIterator[RowMapping], chunk: int = CHUNK
) -> int:
    """Index ``rows`` as documents into ``index`` (an index or a one-index alias)."""
    actions = (index_action(index, row) async for row in rows)
    indexed, _ = await async_bulk(client, actions, chunk_size=chunk, max_retries=BULK_RETRIES)
    return indexed


async def aliased_indices(client: AsyncOpenSearch, alias: str) -> list[str]:
    """The indices ``alias`` names now (none before the first reindex)."""
    try:
        found = await client.indices.get_alias(name=alias)
    except NotFoundError:
        return []
    return sorted(found)


def _actions(index: str, rows: Sequence[RowMapping]) -> list[dict[str, Any]]:
    return [index_action(index, row) for row in rows]


def swap_actions(alias: str, new: str, old: list[str]) -> list[dict[str, Any]]:
    """One ``_aliases`` request: ``alias`` leaves every old index and names ``new``."""
    leave = [{"remove": {"index": index, "alias": alias}} for index in old]
    return [*leave, {"add": {"index": new, "alias": alias}}]


async def full_reindex(
    client: AsyncOpenSearch,
    session: AsyncSession,
    alias: str,
    *,
    replicas: int,
    chunk: int = CHUNK,
) -> ReindexReport:
    """Build a new index of the whole register and put it behind ``alias``."""
    started = await repository.database_now(session)
    index = versioned_name(alias, started)
    await client.indices.create(index=index, body=index_body(replicas=replicas, loading=True))
    try:
        marks = await bulk_index(client, index, repository.all_marks(session, chunk), chunk)
        await client.indices.put_settings(index=index, body={"index": live_settings(replicas)})
        await client.indices.refresh(index=index)
        retired = await aliased_indices(client, alias)
        await client.indices.update_aliases(body={"actions": swap_actions(alias, index, retired)})
    except Exception:
        await client.indices.delete(index=index)  # never leave a half-built index behind
        raise
    missed = repository.marks_of_runs_finished_since(session, started - CATCH_UP, chunk)
    caught_up = await bulk_index(client, alias, missed, chunk)
    for old in retired:
        await client.indices.delete(index=old)
    return ReindexReport(index, marks, tuple(retired), caught_up)


async def index_run_chunk(
    client: AsyncOpenSearch,
    session: AsyncSession,
    alias: str,
    run_id: int,
    *,
    after: str = "",
    chunk: int = CHUNK,
) -> str | None:
    """Index the next ``chunk`` marks of import run ``run_id`` (numbers after ``after``).

    Returns the last number indexed when more may follow, else None. Without an index there
    is nothing to keep in step: the full reindex that builds it reads every mark.
    """
    if not await client.indices.exists_alias(name=alias):
        logger.warning("search_index.missing", alias=alias, run_id=run_id)
        return None
    rows = await repository.run_marks(session, run_id, after, chunk)
    # The keys and documents of a chunk are ~25 ms of CPU: built in a worker thread, so the
    # worker's loop keeps delivering other jobs meanwhile.
    actions = await asyncio.to_thread(_actions, alias, rows)
    await async_bulk(client, actions, chunk_size=chunk, max_retries=BULK_RETRIES)
    return str(rows[-1]["application_no"]) if len(rows) == chunk else None
