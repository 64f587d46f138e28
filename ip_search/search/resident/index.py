"""The resident index and its candidate sources (pure: numpy arrays and dicts, no I/O).

Marks are numbered by ``application_no`` order (their *ordinal*). A key's postings are the
ordinals of the marks holding it, in the posting index's order (mark length, then number), so
its first ``per_key`` postings are those PostgreSQL's ``sql.key_source`` reads. Each source
reproduces its SQL counterpart exactly, float sums included (added in the same order), so both
backends find the same candidates and rank them alike.

Cards (``sql.CARD_COLUMNS`` but the keys, as one JSON array per mark) sit in one byte string,
decoded only for the hits of a page (``page``) or the few dozen candidates of a search; each
mark's scoring keys, packed in one string (``ip_search.text.packed_keys``), sit in another, as
UTF-8: a search ranks every candidate from its keys alone. Exact texts are looked up by a 64-bit
hash of the compact text (sorted hashes, searched with numpy), and every hit is checked against
the compacts of the mark's keys: a million texts cost 12 bytes each instead of a Python dict
entry.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from ip_search.search.backend import Candidate, candidate_of
from ip_search.search.resident.filters import NO_MARK_BIT, MarkFilter, class_mask
from ip_search.search.resident.trigrams import WordTrigrams
from ip_search.text.packed_keys import packed_compacts

KeySourceKernel = Callable[
    [
        Sequence[npt.NDArray[np.int32]],
        npt.NDArray[np.uint64],
        npt.NDArray[np.int16],
        int,
        int,
        int,
        int,
    ],
    list[int],
]

try:
    from ip_search.search.resident import _page
except ImportError:  # sources run without their build: numpy reads the buffers
    _page = None  # type: ignore[assignment]

_native_key_source: KeySourceKernel | None
try:
    from ip_search.search.resident._key_source import key_source as _built_key_source

    _native_key_source = _built_key_source
except ImportError:  # sources run without their build (tests/compiled_sources.py): numpy ranks
    _native_key_source = None

Ordinals = npt.NDArray[np.int32]
"""Mark ordinals (positions in ``application_no`` order)."""

Card = list[Any]
"""A mark's card decoded from JSON: ``sql.CARD_COLUMNS`` in order, but the keys."""

_NO_MARKS: Ordinals = np.empty(0, dtype=np.int32)
FIRST_CHUNK = 512
"""Postings checked against the class filter at first; each later chunk is four times larger
(a common class holds one mark in ten, a rare one in a thousand)."""


def text_hash(compact: str) -> int:
    """The 64-bit key of an exact text (Python's string hash: the index lives and dies with
    this process, so its per-process salt does no harm, and collisions are checked)."""
    return hash(compact)


@dataclass(frozen=True, slots=True)
class ResidentIndex:
    stamp: dt.datetime | None
    """The register's ``data_as_of`` in the snapshot this index was read from."""
    filter_words: npt.NDArray[np.uint64]
    """Each mark's filter word: the ``class_mask`` of its Nice classes and the bit of its
    (status, kind) pair (``facets``)."""
    lengths: npt.NDArray[np.int16]
    """``mark_length`` of each mark (orders a source's ties, as in SQL)."""
    cards: bytearray
    card_offsets: npt.NDArray[np.int64]
    """Card ``i`` is ``cards[card_offsets[i]:card_offsets[i + 1]]``."""
    keys: bytearray
    key_offsets: npt.NDArray[np.int64]
    """The packed scoring keys of mark ``i`` are ``keys[key_offsets[i]:key_offsets[i + 1]]``,
    UTF-8."""
    grams: Mapping[str, Ordinals]
    sounds: Mapping[str, Ordinals]
    text_hashes: npt.NDArray[np.int64]
    """Sorted ``text_hash`` of every ``mark_text`` row ..."""
    text_marks: Ordinals
    """... and its mark, in (hash, number, position) order."""
    facets: Mapping[tuple[str, str], int] | None = None
    """The bit (``FACET_BITS``) of each (status, kind) pair; None when the register holds more
    pairs than there are bits: PostgreSQL answers searches filtered by status or kind."""
    words: WordTrigrams | None = None
    """The texts' trigrams (``sql.words_source``); None when the kernel is not built or the
    database's pg_trgm works otherwise (``trigrams.AS_ASSUMED``): PostgreSQL answers."""

    @property
    def size(self) -> int:
        return len(self.filter_words)

    def mark_filter(
        self, classes: Sequence[int], statuses: Sequence[str], kinds: Sequence[str]
    ) -> MarkFilter | None:
        """These filters as a ``MarkFilter``; None if the index cannot check them."""
        if not statuses and not kinds:
            return MarkFilter(class_mask(classes))
        if self.facets is None:
            return None
        facets = 0
        for (status, kind), bit in self.facets.items():
            if (not statuses or status in statuses) and (not kinds or kind in kinds):
                facets |= 1 << bit
        return MarkFilter(class_mask(classes), facets or 1 << NO_MARK_BIT)

    def cards_of(self, ordinals: Sequence[int]) -> list[Card]:
        """Each mark's card (``sql.CARD_COLUMNS`` in order), decoded as one JSON array: a
        search's few dozen cards cost two fifths less than decoded one by one (the offsets
        looked up at once, one parse). Built, the C kernel ``_page.c`` joins them."""
        if not ordinals:
            return []
        if _page is not None:
            joined: list[Card] = orjson.loads(
                _page.json_array(self.cards, self.card_offsets, ordinals)
            )
            return joined
        wanted = np.asarray(ordinals, dtype=np.int64)
        view = memoryview(self.cards)
        starts = self.card_offsets[wanted].tolist()
        ends = self.card_offsets[wanted + 1].tolist()
        cards: list[Card] = orjson.loads(
            b"["
            + b",".join([view[start:end] for start, end in zip(starts, ends, strict=True)])
            + b"]"
        )
        return cards

    def keys_of(self, ordinals: Sequence[int]) -> list[str]:
        """Each mark's packed scoring keys, decoded at once: joined by NUL, which no text
        holds (PostgreSQL's text cannot), decoded and split again. Built, the C kernel
        ``_page.c`` decodes each in place, its cache misses overlapped: 18 µs instead of 42
        for a search's sixty cold marks."""
        if _page is not None:
            return _page.slices(self.keys, self.key_offsets, ordinals)
        if not ordinals:
            return []
        wanted = np.asarray(ordinals, dtype=np.int64)
        view = memoryview(self.keys)
        starts = self.key_offsets[wanted].tolist()
        ends = self.key_offsets[wanted + 1].tolist()
        joined = b"\0".join([view[start:end] for start, end in zip(starts, ends, strict=True)])
        return joined.decode().split("\0")


CARD_FILED = 8
"""Position of the filing date (ISO text) in a card."""


def candidate(card: Card, keys: str, sources: tuple[str, ...]) -> Candidate:
    """A decoded card and its packed keys as the ``Candidate`` PostgreSQL's card row makes."""
    filed = card[CARD_FILED]
    filing_date = dt.date.fromisoformat(filed) if filed else None
    return candidate_of(card, filing_date, keys, sources)


def candidates_of(
    index: ResidentIndex, ordinals: Sequence[int], sources: Sequence[tuple[str, ...]]
) -> list[Candidate]:
    """The marks ``ordinals`` as candidates found by ``sources``, in order."""
    return [
        candidate(card, keys, found)
        for card, keys, found in zip(
            index.cards_of(ordinals), index.keys_of(ordinals), sources, strict=True
        )
    ]


def _kept(
    postings: Ordinals, filter_words: npt.NDArray[np.uint64], kept: MarkFilter, limit: int
) -> Ordinals:
    """The first ``limit`` postings whose mark ``kept`` keeps, in order."""
    found: list[Ordinals] = []
    count, start, chunk = 0, 0, FIRST_CHUNK
    while start < len(postings) and count < limit:
        part = postings[start : start + chunk]
        hits = part[kept.passing(filter_words[part])]
        found.append(hits)
        count += len(hits)
        start += chunk
        chunk *= 4
    return np.concatenate(found)[:limit] if found else _NO_MARKS


def key_source(
    index: ResidentIndex,
    postings: Mapping[str, Ordinals],
    keys: Sequence[str],
    *,
    kept: MarkFilter,
    per_key: int,
    cap: int,
) -> list[int]:
    """``sql.key_source``: each key's first ``per_key`` postings (of marks ``kept`` keeps)
    weigh ``ln(1 + per_key / n)``; marks by summed weight, then length, then
    number, ``cap`` at most. Weights are added in key order, then posting order, as
    PostgreSQL's aggregate adds them, so equal sums stay equal and ties break alike. Built,
    the C kernel ``_key_source.c`` ranks them; else numpy does, in some fifty array calls."""
    found = [marks for marks in map(postings.get, keys) if marks is not None]
    if _native_key_source is not None:
        return _native_key_source(
            found, index.filter_words, index.lengths, kept.classes, kept.facets, per_key, cap
        )
    taken: list[Ordinals] = []
    weights: list[npt.NDArray[np.float64]] = []
    for marks in found:
        first = _kept(marks, index.filter_words, kept, per_key) if kept.active else marks[:per_key]
        if len(first):
            taken.append(first)
            weights.append(np.full(len(first), math.log(1.0 + float(per_key) / len(first))))
    if not taken:
        return []
    ranked, inverse = np.unique(np.concatenate(taken), return_inverse=True)
    sums = np.bincount(inverse, weights=np.concatenate(weights))
    order = np.lexsort((ranked, index.lengths[ranked], -sums))
    result: list[int] = ranked[order[:cap]].tolist()
    return result


def exact_rows(
    index: ResidentIndex, compacts: Sequence[str], *, kept: MarkFilter, cap: int
) -> list[int]:
    """``sql.exact_source``: marks ``kept`` keeps with a text equal to one of ``compacts``, by
    text then number, ``cap`` rows at most (a mark holding the text twice fills two). Found by
    hash; a mark without the text among its keys (a collision) is passed over. Built, the C
    kernel ``_page.c`` looks each text up and checks its marks' keys in place."""
    rows: list[int] = []
    for compact in sorted(set(compacts)):
        if _page is not None:
            rows += _page.exact_marks(
                index.text_hashes,
                index.text_marks,
                index.filter_words,
                index.keys,
                index.key_offsets,
                text_hash(compact),
                compact,
                kept.classes,
                kept.facets,
                cap - len(rows),
            )
            continue
        key = text_hash(compact)
        start = int(np.searchsorted(index.text_hashes, key, side="left"))
        end = int(np.searchsorted(index.text_hashes, key, side="right"))
        marks = index.text_marks[start:end]
        if kept.active and len(marks):
            marks = marks[kept.passing(index.filter_words[marks])]
        read = 0
        while read < len(marks) and len(rows) < cap:
            # As many marks as may still be kept, their keys decoded together.
            chunk = marks[read : read + cap - len(rows)].tolist()
            read += len(chunk)
            for ordinal, keys in zip(chunk, index.keys_of(chunk), strict=True):
                if compact in packed_compacts(keys):
                    rows.append(ordinal)
    return rows
