"""``SearchBackend`` with similar searches from the resident index, the rest from PostgreSQL.

From memory: a similar search filtered by Nice classes at most, while the index is fresh, whose
key sources find ``FEW_CANDIDATES`` or more (or whose query has no Latin part for the trigram
source). Anything else, PostgreSQL answers whole, as it would without the index.
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
    trigram_source,
)
from ip_search.search.query import query_keys
from ip_search.search.resident.holder import ResidentIndexHolder
from ip_search.search.resident.index import (
    Card,
    ResidentIndex,
    candidate,
    class_mask,
    exact_rows,
    key_source,
)
from ip_search.text import MarkKeys


def similar_items(index: ResidentIndex, keys: MarkKeys, classes: Sequence[int]) -> list[Candidate]:
    """The union of the exact, gram and sound sources (``postgres.similar_sources``), each mark
    once with the sources that found it."""
    wanted = SimilarKeys.of(keys)
    mask = class_mask(classes)
    found: dict[int, list[str]] = {}
    cards: dict[int, Card] = {}
    if wanted.compacts:
        for ordinal, card in exact_rows(index, wanted.compacts, mask=mask, cap=SOURCE_CAP):
            found.setdefault(ordinal, []).append("exact")
            cards[ordinal] = card
    for label, postings, source_keys in (
        ("gram", index.grams, wanted.grams),
        ("sound", index.sounds, wanted.sounds),
    ):
        if source_keys:
            marks = key_source(
                index, postings, source_keys, mask=mask, per_key=KEY_POSTINGS, cap=SOURCE_CAP
            )
            for ordinal in marks:
                found.setdefault(ordinal, []).append(label)
    unread = [ordinal for ordinal in found if ordinal not in cards]
    cards.update(zip(unread, index.cards_of(unread), strict=True))
    return [candidate(cards[ordinal], tuple(labels)) for ordinal, labels in found.items()]


def answers_from_memory(filters: Filters) -> bool:
    """The index holds classes of each mark, none of its other filter columns."""
    return not replace(filters, nice_classes=()).active


class ResidentSearchBackend:
    def __init__(self, postgres: PostgresSearchBackend, holder: ResidentIndexHolder) -> None:
        self.postgres = postgres
        self.holder = holder

    async def candidates(self, query: SearchQuery, after: Sequence[str] | None) -> Candidates:
        if query.mode is SearchMode.SIMILAR and answers_from_memory(query.filters):
            index = await self.holder.current()
            if index is not None:
                keys = query_keys(query.text)
                items = similar_items(index, keys, query.filters.nice_classes)
                if len(items) >= FEW_CANDIDATES or trigram_source(keys, query.filters) is None:
                    return similar_candidates(items)
        return await self.postgres.candidates(query, after)
