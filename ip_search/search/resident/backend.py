"""``SearchBackend`` with similar searches from the resident index, the rest from PostgreSQL.

From memory: a similar search filtered by Nice classes at most, while the index is fresh; with
the trigram source too (``PostgresSearchBackend._similar``: when the key sources find fewer
than ``FEW_CANDIDATES``) if the index holds trigrams and the query's. Anything else,
PostgreSQL answers whole, as it would without the index.
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


def with_similar_wording(
    index: ResidentIndex, latin: str, classes: Sequence[int], items: list[Candidate]
) -> list[Candidate] | None:
    """``items`` and the marks ``sql.words_source`` adds to them (each found by ``words``
    once per text), as ``PostgresSearchBackend._similar`` adds them; None when the index
    cannot answer the source."""
    if index.words is None:
        return None
    marks = index.words.similar_marks(latin, index.classes, class_mask(classes), SOURCE_CAP)
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
                classes = query.filters.nice_classes
                items = similar_items(index, keys, classes)
                latin = trigram_text(keys)
                if len(items) >= FEW_CANDIDATES or latin is None:
                    return similar_candidates(items)
                if (more := with_similar_wording(index, latin, classes, items)) is not None:
                    return similar_candidates(more)
        return await self.postgres.candidates(query, after)
