"""Ranking, facets and paging of candidates: the backend-independent half of search (no I/O).

Every candidate is ranked by its exact score total (``ip_search.text.totals``: the number alone,
read straight from the stored key documents, by a C kernel when built), and only the hits of the
page returned are explained (``ip_search.text.explain_documents``: the same computation with its
evidence, by the same C kernel when built).
So the order, the totals and the explanations are those of the full ``score`` over every
candidate, at the cost of explaining one page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final, Protocol, TypeVar

from ip_search.search.backend import Candidate, Candidates, Facets, SimilarPage
from ip_search.text import (
    MarkFields,
    MarkKeys,
    Score,
    Wanted,
    explain,
    explain_documents,
    explain_json,
    prepare,
    totals,
)

MIN_SCORE = 0.3
"""Similar hits below this total are noise (a shared common character, nothing else)."""


class Ranked:
    """A candidate with its score total, not yet explained (one per candidate). Like the
    results of ``ip_search.text.scoring``, a plain class: native once compiled."""

    __slots__ = ("candidate", "total")

    def __init__(self, candidate: Candidate, total: float) -> None:
        self.candidate: Final = candidate
        self.total: Final = total


class Hit:
    """A hit of the page with its explained score."""

    __slots__ = ("candidate", "score")

    def __init__(self, candidate: Candidate, score: Score) -> None:
        self.candidate: Final = candidate
        self.score: Final = score


def order_key(ranked: Ranked) -> tuple[float, str]:
    """Best first; ties by application number, so pages are stable."""
    return (-round(ranked.total, 6), ranked.candidate.application_no)


def rank_similar(
    query: MarkKeys,
    candidates: Iterable[Candidate],
    *,
    classes: Sequence[int],
    groups: Sequence[str],
) -> list[Ranked]:
    """Every candidate scoring at least ``MIN_SCORE``, best first."""
    listed = list(candidates)
    values = totals(
        prepare(query),
        [c.keys for c in listed],
        [c.nice_classes for c in listed],
        [c.groups for c in listed],
        Wanted.of(classes, groups),
    )
    ranked = [Ranked(c, v) for c, v in zip(listed, values, strict=True) if v >= MIN_SCORE]
    ranked.sort(key=order_key)
    return ranked


ROUNDING_APART = 2e-6
"""Totals further apart than this round apart at six places, in the same order."""


def best_first(values: Sequence[float], positions: Sequence[int]) -> list[tuple[float, int]]:
    """``(total, position)`` of the totals reaching ``MIN_SCORE``, in ``rank_similar``'s
    order (``order_key``) where the positions stand for the application numbers (they sort
    alike: a resident index numbers its marks in that order).

    ``round`` is the dearest step of that order (it writes the number out in decimal), and
    rounding keeps the order of totals that are ``ROUNDING_APART``: so the totals are sorted
    as they are, and only a run of close, unequal ones is sorted again by their rounded
    values (equal totals are already in position order)."""
    kept = [(-v, p) for v, p in zip(values, positions, strict=True) if v >= MIN_SCORE]
    kept.sort()
    start = 0
    while start < len(kept):
        end = start + 1
        while end < len(kept) and kept[end][0] - kept[end - 1][0] <= ROUNDING_APART:
            end += 1
        if kept[end - 1][0] != kept[start][0]:
            kept[start:end] = sorted(kept[start:end], key=_rounded_first)
        start = end
    return [(-negated, p) for negated, p in kept]


def _rounded_first(item: tuple[float, int]) -> tuple[float, int]:
    return (round(item[0], 6), item[1])


def page_after(
    ranked: Sequence[Ranked], after: tuple[float, str] | None, limit: int
) -> list[Ranked]:
    """Up to ``limit + 1`` hits following the cursor position (the extra one means "more")."""
    if after is not None:
        ranked = [r for r in ranked if order_key(r) > after]
    return list(ranked[: limit + 1])


def similar_page(
    query: MarkKeys,
    found: Candidates,
    after: tuple[float, str] | None,
    limit: int,
    *,
    classes: Sequence[int],
    groups: Sequence[str],
) -> SimilarPage:
    """The page of a similar search's candidates that follows ``after``, ranked."""
    ranked = rank_similar(query, found.items, classes=classes, groups=groups)
    return SimilarPage(
        hits=[(r.candidate, r.total) for r in page_after(ranked, after, limit)],
        total=len(ranked),
        total_is_exact=found.total_is_exact,
        facets=facets(r.candidate for r in ranked),
    )


def explain_hits(
    query: MarkKeys, page: Sequence[Candidate], *, classes: Sequence[int], groups: Sequence[str]
) -> list[Hit]:
    """The page's hits with their explained scores (whose totals are the ranked ones)."""
    scores = explain_documents(
        prepare(query),
        [c.keys for c in page],
        [c.nice_classes for c in page],
        [c.groups for c in page],
        Wanted.of(classes, groups),
    )
    return [Hit(c, s) for c, s in zip(page, scores, strict=True)]


def explain_page(
    query: MarkKeys,
    page: Sequence[Candidate],
    *,
    classes: Sequence[int],
    groups: Sequence[str],
    digits: int,
) -> list[tuple[float, bytes]]:
    """``explain_hits`` as a response holds it: each hit's total and its score document as
    JSON, numbers rounded to ``digits`` places (``ip_search.text.explain_json``)."""
    return explain_json(
        prepare(query),
        [c.keys for c in page],
        [c.nice_classes for c in page],
        [c.groups for c in page],
        Wanted.of(classes, groups),
        digits=digits,
    )


def explain_candidate(
    query: MarkKeys, candidate: Candidate, classes: Sequence[int], groups: Sequence[str]
) -> Score:
    """The explained score of one candidate of a listing (exact, prefix, contains)."""
    return explain(
        prepare(query),
        MarkFields.from_document(candidate.keys),
        Wanted.of(classes, groups),
        mark_classes=candidate.nice_classes,
        mark_groups=candidate.groups,
    )


class Faceted(Protocol):
    """What facets count of a match: a ``FacetRow``, or a ``Candidate`` as it is."""

    @property
    def nice_classes(self) -> tuple[int, ...]: ...
    @property
    def status(self) -> str: ...
    @property
    def kind(self) -> str: ...


def facets(rows: Iterable[Faceted]) -> Facets:
    """Counts of each class (once per mark), status and kind, most frequent first, ties by
    value. Counted into plain dicts in one compiled loop: ``Counter`` over a generator of sets
    cost three times as much."""
    classes: dict[int, int] = {}
    statuses: dict[str, int] = {}
    kinds: dict[str, int] = {}
    for row in rows:
        mark_classes = row.nice_classes
        for nice_class in mark_classes if len(mark_classes) < 2 else set(mark_classes):
            classes[nice_class] = classes.get(nice_class, 0) + 1
        status, kind = row.status, row.kind
        statuses[status] = statuses.get(status, 0) + 1
        kinds[kind] = kinds.get(kind, 0) + 1
    return Facets(nice_class=by_count(classes), status=by_count(statuses), kind=by_count(kinds))


Counted = TypeVar("Counted", int, str)


def by_count(counts: dict[Counted, int]) -> list[tuple[Counted, int]]:
    """Counted values, most frequent first, ties by value."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
