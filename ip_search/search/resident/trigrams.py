"""The resident index's misspelling source: ``sql.words_source`` (pg_trgm word similarity,
``:latin <% compact``) from trigram postings held in memory.

PostgreSQL answers that source through its GIN trigram index. A search comes to it only when
its key sources find few marks, about one cold similar search in a hundred, but a query of
common trigrams (``starstyle``: ``sty``, ``tyl``, ``yle``) cost it 20-135 ms: it merged
posting lists of hundreds of thousands of rows, then rechecked thousands of heap rows. Those
searches made most of the slowest of the benchmark's similar searches.

The C kernel ``_trigrams.c`` counts the query's trigrams in each text's postings, rechecks
the texts that hold enough of them with pg_trgm's own word similarity, and keeps PostgreSQL's
order (best first), so both backends find the same marks. Ties at the cap are the one
difference: PostgreSQL keeps whichever of equal rows its scan met first, this source the
earliest texts.

Texts are ``mark_text`` rows in (number, position) order, as UTF-8 in one byte string.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ip_search.search.resident.filters import MarkFilter

try:
    from ip_search.search.resident import _trigrams
except ImportError:  # sources run without their build: PostgreSQL answers this source
    _trigrams = None  # type: ignore[assignment]

WORD_SIMILARITY_THRESHOLD = 0.6
"""``pg_trgm.word_similarity_threshold``, the default the ``<%`` operator uses."""
AS_ASSUMED = (
    "SELECT array_length(show_trgm('a東'), 1) = 3 AND "
    f"current_setting('pg_trgm.word_similarity_threshold')::float8 = {WORD_SIMILARITY_THRESHOLD}"
)
"""Whether the database's pg_trgm works as the kernel does: letters of any script are word
characters (its ``LC_CTYPE`` decides: ``C.UTF-8`` and the usual locales say so, plain ``C``
does not), and the threshold is the default. A load builds no trigrams otherwise."""


def available() -> bool:
    return _trigrams is not None


@dataclass(frozen=True, slots=True)
class WordTrigrams:
    texts: bytes
    text_offsets: npt.NDArray[np.int64]
    """Text ``i`` is ``texts[text_offsets[i]:text_offsets[i + 1]]`` ..."""
    text_marks: npt.NDArray[np.int32]
    """... and belongs to this mark (its ordinal)."""
    starts: npt.NDArray[np.int64]
    """Trigram code ``c``'s texts are ``rows[starts[c]:starts[c + 1]]``, ascending."""
    rows: npt.NDArray[np.int32]
    counts: bytearray
    """The kernel's scratch: a count per text, zero between searches (a search runs whole
    under the GIL, so one scratch serves them all)."""

    @classmethod
    def build(
        cls, texts: bytes, offsets: npt.NDArray[np.int64], marks: npt.NDArray[np.int32]
    ) -> WordTrigrams:
        """The postings of ``texts`` (the kernel's two passes run without the GIL)."""
        assert _trigrams is not None, "the trigram kernel is not built"
        starts, rows = _trigrams.build(texts, offsets)
        return cls(
            texts=texts,
            text_offsets=offsets,
            text_marks=marks,
            starts=np.frombuffer(starts, dtype=np.int64),
            rows=np.frombuffer(rows, dtype=np.int32),
            counts=bytearray(len(marks)),
        )

    def similar_marks(
        self, latin: str, filter_words: npt.NDArray[np.uint64], kept: MarkFilter, cap: int
    ) -> list[int] | None:
        """``sql.words_source``: the marks of the ``cap`` texts most similar to ``latin``
        (of marks ``kept`` keeps, by their ``filter_words``), a mark once per text,
        best first. None for a query the index cannot answer (a trigram with a letter outside
        ASCII)."""
        assert _trigrams is not None, "the trigram kernel is not built"
        rows = _trigrams.similar_rows(
            latin,
            self.texts,
            self.text_offsets,
            self.starts,
            self.rows,
            self.text_marks,
            filter_words,
            self.counts,
            kept.classes,
            kept.facets,
            cap,
            WORD_SIMILARITY_THRESHOLD,
        )
        if rows is None:
            return None
        marks: list[int] = self.text_marks[rows].tolist()
        return marks
