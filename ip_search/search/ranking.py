"""Ranking, facets and paging of candidates: the backend-independent half of search (no I/O).

The explained ``score()`` costs about 25 µs a mark, too much for every candidate of every
request, so candidates are first pre-ranked by a cheap bound — the mean of the best wording
ratio and the best sound ratio (pinyin syllables, metaphone), in rapidfuzz's C code — and only
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
MIN_PRESCORE = 0.27
"""Candidates whose cheap bound is below this are never scored (nor counted in ``total``)."""
CONTAINED = 0.85
PHONETIC_SHARE = 0.9
"""Metaphone keys are coarse: the score weighs a perfect match as much as 0.9 pinyin."""


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


def _best_pinyin(query: Sequence[str], mark: Sequence[str]) -> float | None:
    """Toneless pinyin compared syllable by syllable, as the sound dimension does; None when
    one side has no Han characters."""
    best: float | None = None
    for q in query:
        if not q:
            continue
        syllables = q.split()
        for m in mark:
            if not m:
                continue
            similarity = fuzz.ratio(syllables, m.split()) / 100.0
            if q in m:
                similarity = max(similarity, CONTAINED)
            best = similarity if best is None else max(best, similarity)
    return best


def prescore(query: MarkKeys, mark: KeyDoc) -> float:
    """A cheap stand-in for ``score().total`` used only to choose what to score fully.

    Like the score it weighs wording and sound equally, and sound only where both sides have
    a sound key: a mark that merely sounds alike character by character (生技/生加, sheng ji /
    sheng jia) must not crowd out marks that contain the query.
    """
    words = _best_ratio(query.compacts, mark["compacts"], contain=True)
    pinyin = _best_pinyin(query.pinyin_plain, mark["pinyin_plain"])
    has_key = any(query.phonetic) and any(mark["phonetic"])
    if pinyin is None and not has_key:
        return words
    phonetic = PHONETIC_SHARE * _best_ratio(query.phonetic, mark["phonetic"], contain=False)
    return (words + max(pinyin or 0.0, phonetic)) / 2


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
