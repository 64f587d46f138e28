"""``SearchBackend`` with similar searches from the resident index, the rest from PostgreSQL.

From memory: a similar search filtered by Nice classes, status and kind at most, while the
index is fresh; with the trigram source too (``PostgresSearchBackend._similar``: when the key
sources find fewer than ``FEW_CANDIDATES``) if the index holds trigrams and the query's.
Anything else, PostgreSQL answers whole, as it would without the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ip_search.search.backend import Candidate, Candidates, Filters, SearchMode, SearchQuery
from ip_search.search.postgres import (
    FEW_CANDIDATES,
    KEY_POSTINGS,
    SOURCE_CAP,
    PostgresSearchBackend,
    SimilarKeys,
    similar_candidates,
    trigram_text,
)
from ip_search.search.query import query_keys
from ip_search.search.resident.filters import MarkFilter
from ip_search.search.resident.holder import ResidentIndexHolder
from ip_search.search.resident.index import (
    Card,
    ResidentIndex,
    candidate,
    exact_rows,
    key_source,
)
from ip_search.text import MarkKeys


def similar_items(index: ResidentIndex, keys: MarkKeys, kept: MarkFilter) -> list[Candidate]:
    """The union of the exact, gram and sound sources (``postgres.similar_sources``), each mark
    once with the sources that found it."""
    wanted = SimilarKeys.of(keys)
    found: dict[int, list[str]] = {}
    cards: dict[int, Card] = {}
    if wanted.compacts:
        for ordinal, card in exact_rows(index, wanted.compacts, kept=kept, cap=SOURCE_CAP):
            found.setdefault(ordinal, []).append("exact")
            cards[ordinal] = card
    for label, postings, source_keys in (
        ("gram", index.grams, wanted.grams),
        ("sound", index.sounds, wanted.sounds),
    ):
        if source_keys:
            marks = key_source(
                index, postings, source_keys, kept=kept, per_key=KEY_POSTINGS, cap=SOURCE_CAP
            )
            for ordinal in marks:
                found.setdefault(ordinal, []).append(label)
    unread = [ordinal for ordinal in found if ordinal not in cards]
    cards.update(zip(unread, index.cards_of(unread), strict=True))
    return [candidate(cards[ordinal], tuple(labels)) for ordinal, labels in found.items()]


def with_similar_wording(
    index: ResidentIndex, latin: str, kept: MarkFilter, items: list[Candidate]
) -> list[Candidate] | None:
    """``items`` and the marks ``sql.words_source`` adds to them (each found by ``words``
    once per text), as ``PostgresSearchBackend._similar`` adds them; None when the index
    cannot answer the source."""
    if index.words is None:
        return None
    marks = index.words.similar_marks(latin, index.filter_words, kept, SOURCE_CAP)
    if marks is None:
        return None
    texts: dict[int, int] = {}
    for ordinal in marks:
        texts[ordinal] = texts.get(ordinal, 0) + 1
    seen = {item.application_no for item in items}
    found = [
        candidate(card, ("words",) * count)
        for card, count in zip(index.cards_of(list(texts)), texts.values(), strict=True)
    ]
    return items + [item for item in found if item.application_no not in seen]


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
