"""The candidates of a similar search found in the resident index: its exact, gram and sound
sources (``postgres.similar_sources``) and, for a query they find few marks for, its trigram
source (``sql.words_source``), as ``PostgresSearchBackend._similar`` adds it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain

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


class FoundMarks:
    """The rows each source found, by source, in the order the sources run.

    A page needs all the marks found but the sources of its own few only: each mark's list of
    sources is built on demand (``sources_of``), not for every candidate of every search."""

    __slots__ = ("rows",)

    def __init__(self) -> None:
        self.rows: dict[str, list[int]] = {}

    def ordinals(self) -> dict[int, None]:
        """Every mark found, once, in the order first found (a dict: it is also a set)."""
        return dict.fromkeys(chain.from_iterable(self.rows.values()))

    def sources_of(self, ordinals: Sequence[int]) -> list[tuple[str, ...]]:
        """The sources that found each of ``ordinals``, once per row, in the sources' order:
        one pass over the rows (a count per source and mark cost six times as much)."""
        labels: dict[int, list[str]] = {ordinal: [] for ordinal in ordinals}
        for label, rows in self.rows.items():
            for ordinal in rows:
                found = labels.get(ordinal)
                if found is not None:
                    found.append(label)
        return [tuple(labels[ordinal]) for ordinal in ordinals]

    @property
    def capped(self) -> bool:
        """Whether a source was cut at its cap (``postgres.source_capped``): the total of the
        search is then a lower bound."""
        return any(len(rows) >= SOURCE_CAP for rows in self.rows.values())


def found_marks(index: ResidentIndex, keys: MarkKeys, kept: MarkFilter) -> FoundMarks:
    """The marks the exact, gram and sound sources find (``postgres.similar_sources``), by
    source (once per row: a mark holding a text twice is two exact rows)."""
    wanted = SimilarKeys.of(keys)
    found = FoundMarks()
    if wanted.compacts:
        found.rows["exact"] = exact_rows(index, wanted.compacts, kept=kept, cap=SOURCE_CAP)
    for label, postings, source_keys in (
        ("gram", index.grams, wanted.grams),
        ("sound", index.sounds, wanted.sounds),
    ):
        if source_keys:
            found.rows[label] = key_source(
                index, postings, source_keys, kept=kept, per_key=KEY_POSTINGS, cap=SOURCE_CAP
            )
    return found


def similar_items(index: ResidentIndex, keys: MarkKeys, kept: MarkFilter) -> list[Candidate]:
    """The union of the exact, gram and sound sources as candidates, each mark once with the
    sources that found it."""
    found = found_marks(index, keys, kept)
    ordinals = list(found.ordinals())
    return candidates_of(index, ordinals, found.sources_of(ordinals))


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
