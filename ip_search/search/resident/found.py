"""The candidates of a similar search found in the resident index: its exact, gram and sound
sources (``postgres.similar_sources``) and, for a query they find few marks for, its trigram
source (``sql.words_source``), as ``PostgresSearchBackend._similar`` adds it."""

from __future__ import annotations

from collections.abc import Mapping

from ip_search.search.backend import Candidate
from ip_search.search.postgres import KEY_POSTINGS, SOURCE_CAP, SimilarKeys
from ip_search.search.resident.filters import MarkFilter
from ip_search.search.resident.index import (
    ResidentIndex,
    candidates_of,
    exact_rows,
    key_source,
)
from ip_search.text import MarkKeys


def found_marks(index: ResidentIndex, keys: MarkKeys, kept: MarkFilter) -> dict[int, list[str]]:
    """The marks the exact, gram and sound sources find (``postgres.similar_sources``), each
    with the sources that found it (once per row: a mark holding a text twice is two exact
    rows)."""
    wanted = SimilarKeys.of(keys)
    found: dict[int, list[str]] = {}
    if wanted.compacts:
        for ordinal in exact_rows(index, wanted.compacts, kept=kept, cap=SOURCE_CAP):
            found.setdefault(ordinal, []).append("exact")
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
    return found


def similar_items(index: ResidentIndex, keys: MarkKeys, kept: MarkFilter) -> list[Candidate]:
    """The union of the exact, gram and sound sources as candidates, each mark once with the
    sources that found it."""
    found = found_marks(index, keys, kept)
    return candidates_of(index, list(found), [tuple(labels) for labels in found.values()])


def similar_wording(
    index: ResidentIndex, latin: str, kept: MarkFilter, found: Mapping[int, object]
) -> dict[int, int] | None:
    """The marks ``sql.words_source`` adds to ``found``, each with how many of its texts it
    found, as ``PostgresSearchBackend._similar`` adds them; None when the index cannot answer
    the source."""
    if index.words is None:
        return None
    marks = index.words.similar_marks(latin, index.filter_words, kept, SOURCE_CAP)
    if marks is None:
        return None
    texts: dict[int, int] = {}
    for ordinal in marks:
        if ordinal not in found:
            texts[ordinal] = texts.get(ordinal, 0) + 1
    return texts


def with_similar_wording(
    index: ResidentIndex, latin: str, kept: MarkFilter, items: list[Candidate]
) -> list[Candidate] | None:
    """``items`` and the marks ``sql.words_source`` adds to them (each found by ``words``
    once per text); None when the index cannot answer the source."""
    added = similar_wording(index, latin, kept, {})
    if added is None:
        return None
    seen = {item.application_no for item in items}
    found = candidates_of(index, list(added), [("words",) * count for count in added.values()])
    return items + [item for item in found if item.application_no not in seen]
