"""``SearchBackend`` with similar searches from the resident index, the rest from PostgreSQL.

From memory: a similar search filtered by Nice classes, status and kind at most, while the
index is fresh; with the trigram source too (``PostgresSearchBackend._similar``: when the key
sources find fewer than ``FEW_CANDIDATES``) if the index holds trigrams and the query's.
Anything else, PostgreSQL answers whole, as it would without the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ip_search.search.backend import (
    Candidates,
    Filters,
    SearchMode,
    SearchQuery,
    SimilarPage,
)
from ip_search.search.postgres import (
    FEW_CANDIDATES,
    PostgresSearchBackend,
    similar_candidates,
    trigram_text,
)
from ip_search.search.query import query_keys
from ip_search.search.resident.found import similar_items, with_similar_wording
from ip_search.search.resident.holder import ResidentIndexHolder
from ip_search.search.resident.index import ResidentIndex
from ip_search.search.resident.page import similar_page


def answers_from_memory(filters: Filters) -> bool:
    """The index holds each mark's classes, status and kind, none of its other filter
    columns."""
    return not replace(filters, nice_classes=(), statuses=(), kinds=()).active


class ResidentSearchBackend:
    def __init__(self, postgres: PostgresSearchBackend, holder: ResidentIndexHolder) -> None:
        self.postgres = postgres
        self.holder = holder

    async def candidates(self, query: SearchQuery, after: Sequence[str] | None) -> Candidates:
        if query.mode is SearchMode.SIMILAR and answers_from_memory(query.filters):
            index = await self.holder.current()
            found = similar_from_memory(index, query) if index is not None else None
            if found is not None:
                return found
        return await self.postgres.candidates(query, after)

    async def similar_page(self, query: SearchQuery) -> SimilarPage | None:
        if not answers_from_memory(query.filters):
            return None
        index = await self.holder.current()
        return None if index is None else similar_page(index, query)


def similar_from_memory(index: ResidentIndex, query: SearchQuery) -> Candidates | None:
    """A similar search answered from ``index``, as PostgreSQL answers it; None if the index
    cannot (a status or kind it holds no bit for, a query's trigram it does not hold)."""
    filters = query.filters
    kept = index.mark_filter(filters.nice_classes, filters.statuses, filters.kinds)
    if kept is None:
        return None
    keys = query_keys(query.text)
    items = similar_items(index, keys, kept)
    latin = trigram_text(keys)
    if len(items) >= FEW_CANDIDATES or latin is None:
        return similar_candidates(items)
    more = with_similar_wording(index, latin, kept, items)
    return None if more is None else similar_candidates(more)
