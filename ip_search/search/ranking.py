"""Ranking, facets and paging of candidates: the backend-independent half of search (no I/O).

The explained ``score()`` costs about 150 µs a mark, too much for a few hundred candidates per
request, so candidates are first pre-ranked by a cheap bound — the best string ratio over the
folded texts, the toneless pinyin and the metaphone key, all in rapidfuzz's C code — and only
the best ``RERANK_DEPTH`` get the full, explained score. A similar search lists at most that
many hits (whatever the page size, so every page comes from the same ranked list); ``total``
counts every candidate whose cheap bound passes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from ip_search.importing.rows import keys_from_doc
from ip_search.search.backend import Candidate, FacetRow, KeyDoc
from ip_search.text import MarkKeys, Score, score

RERANK_DEPTH = 50
MIN_SCORE = 0.3
"""Similar hits below this total are noise (a shared common character, nothing else)."""
MIN_PRESCORE = 0.34
CONTAINED = 0.85


@dataclass(frozen=True, slots=True)
class Hit:
    candidate: Candidate
    score: Score


@dataclass(frozen=True, slots=True)
class Facets:
    nice_class: list[tuple[int, int]]
    status: list[tuple[str, int]]
    kind: list[tuple[str, int]]


def _best_ratio(query: Sequence[str], mark: Sequence[str], *, contain: bool) -> float:
    best = 0.0
    for q in query:
        if not q:
            continue
        for m in mark:
            if not m:
                continue
            similarity = fuzz.ratio(q, m) / 100.0
            if contain and len(q) >= 2 and q in m:
                similarity = max(similarity, CONTAINED)
            best = max(best, similarity)
    return best


def prescore(query: MarkKeys, mark: KeyDoc) -> float:
    """A cheap stand-in for ``score().total`` used only to choose what to score fully."""
    words = _best_ratio(query.compacts, mark["compacts"], contain=True)
    sound = _best_ratio(query.pinyin_plain, mark["pinyin_plain"], contain=True)
    phonetic = 0.9 * _best_ratio(query.phonetic, mark["phonetic"], contain=False)
    return max(words, sound, phonetic)


def explain(
    query: MarkKeys, candidate: Candidate, classes: Sequence[int], groups: Sequence[str]
) -> Score:
    return score(
        query,
        keys_from_doc(candidate.keys),
        query_classes=classes,
        query_groups=groups,
        mark_classes=candidate.nice_classes,
        mark_groups=candidate.groups,
    )


def order_key(hit: Hit) -> tuple[float, str]:
    """Best first; ties by application number, so pages are stable."""
    return (-round(hit.score.total, 6), hit.candidate.application_no)


def rank_similar(
    query: MarkKeys,
    candidates: Sequence[Candidate],
    *,
    classes: Sequence[int],
    groups: Sequence[str],
    depth: int,
) -> tuple[list[Hit], list[Candidate]]:
    """(fully scored hits best first, every candidate passing the cheap bound)."""
    bounded = [(prescore(query, c.keys), c) for c in candidates]
    passing = [(p, c) for p, c in bounded if p >= MIN_PRESCORE]
    passing.sort(key=lambda pair: (-pair[0], pair[1].application_no))
    hits = [Hit(c, explain(query, c, classes, groups)) for _, c in passing[:depth]]
    hits = [hit for hit in hits if hit.score.total >= MIN_SCORE]
    hits.sort(key=order_key)
    return hits, [c for _, c in passing]


def page_after(hits: Sequence[Hit], after: tuple[float, str] | None, limit: int) -> list[Hit]:
    """Up to ``limit + 1`` hits following the cursor position (the extra one means "more")."""
    if after is not None:
        hits = [hit for hit in hits if order_key(hit) > after]
    return list(hits[: limit + 1])


def facets(rows: Iterable[FacetRow]) -> Facets:
    classes: Counter[int] = Counter()
    statuses: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for row in rows:
        classes.update(set(row.nice_classes))
        statuses[row.status] += 1
        kinds[row.kind] += 1
    return Facets(
        nice_class=sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])),
        status=sorted(statuses.items(), key=lambda kv: (-kv[1], kv[0])),
        kind=sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])),
    )


def facet_rows(candidates: Iterable[Candidate]) -> list[FacetRow]:
    return [FacetRow(c.nice_classes, c.status, c.kind) for c in candidates]
