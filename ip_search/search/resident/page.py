"""The first page of a similar search, ranked in the resident index.

``ranking.similar_page`` over ``similar_from_memory``'s candidates gives the same page, and the
tests hold the two equal: the same sources find the same marks; each is scored by
``scoring.totals`` from the same packed keys; ordinals sort as application numbers do, so ties
break alike; and a mark's filter word holds its classes and its (status, kind) pair, which is
all the facets count. What differs is the work: only the ``limit + 1`` marks of the page
become ``Candidate``s. Decoding the cards of every candidate (some sixty) and ranking the
objects made of them cost about a third of a search's CPU.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from ip_search.search import ranking
from ip_search.search.backend import Facets, SearchQuery, SimilarPage
from ip_search.search.postgres import FEW_CANDIDATES, trigram_text
from ip_search.search.query import query_keys
from ip_search.search.ranking import MIN_SCORE, ROUNDING_APART
from ip_search.search.resident.filters import NO_MARK_BIT
from ip_search.search.resident.found import found_marks, similar_wording
from ip_search.search.resident.index import ResidentIndex, candidates_of
from ip_search.text import Wanted, prepare, totals

RankedKernel = Callable[
    [Sequence[float], Sequence[int], npt.NDArray[np.uint64], float, float, int],
    tuple[list[tuple[float, int]], int, list[int]],
]

_native_ranked: RankedKernel | None
try:
    from ip_search.search.resident._page import ranked as _built_ranked

    _native_ranked = _built_ranked
except ImportError:  # sources run without their build: numpy and ``ranking`` rank the page
    _native_ranked = None


def similar_page(index: ResidentIndex, query: SearchQuery) -> SimilarPage | None:
    """The first page of ``query``; None when the index cannot answer it: as for
    ``similar_from_memory`` (a status or kind it holds no bit for, a query's trigram it does not
    hold), and when its register has more (status, kind) pairs than the filter word has bits
    (the facets are counted from those; ``similar_from_memory`` answers then)."""
    filters = query.filters
    kept = index.mark_filter(filters.nice_classes, filters.statuses, filters.kinds)
    pairs = index.facets
    if kept is None or pairs is None:
        return None
    keys = query_keys(query.text)
    found = found_marks(index, keys, kept)
    marks = found.ordinals()
    latin = trigram_text(keys)
    if len(marks) < FEW_CANDIDATES and latin is not None:
        worded = similar_wording(index, latin, kept, marks)
        if worded is None:
            return None
        found.rows["words"] = [o for o, count in worded.items() for _ in range(count)]
        marks.update(dict.fromkeys(worded))
    ordinals = list(marks)
    values = totals(
        prepare(keys),
        index.keys_of(ordinals),
        _classes(ordinals, filters.nice_classes),
        [()] * len(ordinals),  # no similar group is asked for: PostgreSQL answers those
        Wanted.of(filters.nice_classes),
    )
    page, ranked, bits = ranked_page(index, values, ordinals, query.limit)
    shown = [ordinal for _, ordinal in page]
    hits = candidates_of(index, shown, found.sources_of(shown))
    return SimilarPage(
        hits=[(hit, total) for hit, (total, _) in zip(hits, page, strict=True)],
        total=ranked,
        total_is_exact=not found.capped,
        facets=facets_of(bits, pairs),
    )


def ranked_page(
    index: ResidentIndex, values: Sequence[float], ordinals: Sequence[int], limit: int
) -> tuple[list[tuple[float, int]], int, list[int]]:
    """The first ``limit + 1`` ``(total, ordinal)`` of ``ranking.best_first``, how many it
    ranks, and how many of those hold each bit of their filter word (``bit_counts``). Built,
    the C kernel ``_page.c`` does all three at once."""
    if _native_ranked is not None:
        return _native_ranked(
            values, ordinals, index.filter_words, MIN_SCORE, ROUNDING_APART, limit
        )
    ranked = ranking.best_first(values, ordinals)
    return ranked[: limit + 1], len(ranked), bit_counts(index, [o for _, o in ranked])


def _classes(ordinals: Sequence[int], wanted: tuple[int, ...]) -> list[tuple[int, ...]]:
    """What the score reads of each mark's Nice classes: whether it shares one with ``wanted``.
    Every candidate does (the sources keep no other mark), so the wanted classes stand in for
    each mark's: the same totals, without reading a class list out of each filter word. The
    page's hits are explained with their own classes."""
    return [wanted] * len(ordinals)


def bit_counts(index: ResidentIndex, ordinals: Sequence[int]) -> list[int]:
    """How many of these marks hold each of the 64 bits of their filter word."""
    words = index.filter_words[np.asarray(ordinals, dtype=np.int64)].astype("<u8")
    bits = np.unpackbits(words.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    counts: list[int] = bits.sum(axis=0).tolist()
    return counts


def facets_of(counts: Sequence[int], pairs: Mapping[tuple[str, str], int]) -> Facets:
    """``ranking.facets`` of the marks whose filter words hold each bit ``counts[bit]`` times
    (``pairs``: the bit of each (status, kind) pair)."""
    classes = {c: counts[c] for c in range(1, NO_MARK_BIT) if counts[c]}
    statuses: dict[str, int] = {}
    kinds: dict[str, int] = {}
    for (status, kind), bit in pairs.items():
        if counts[bit]:
            statuses[status] = statuses.get(status, 0) + counts[bit]
            kinds[kind] = kinds.get(kind, 0) + counts[bit]
    return Facets(
        nice_class=ranking.by_count(classes),
        status=ranking.by_count(statuses),
        kind=ranking.by_count(kinds),
    )
