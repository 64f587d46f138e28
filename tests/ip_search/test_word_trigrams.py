"""The trigram kernel (``_trigrams.c``) against pg_trgm itself and against plain Python."""

from __future__ import annotations

import random
import re
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ip_search.search.resident import _trigrams
from ip_search.search.resident._trigrams import word_similarity
from ip_search.search.resident.filters import MarkFilter, class_mask
from ip_search.search.resident.trigrams import WORD_SIMILARITY_THRESHOLD, WordTrigrams

_WORDS = ["star", "style", "green", "link", "nova", "labs", "magna", "beauty", "sty", "東京", "7"]


def _pairs(count: int, seed: int) -> list[tuple[str, str]]:
    """Queries and texts of few letters (trigrams repeat, which the scan must get right),
    and of whole and broken words with CJK and digits between them."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        alphabet = rng.choice(["ab", "abc", "ab c", "abc東", "a1 b-é", "xyzab"])
        query = "".join(rng.choice("abc") for _ in range(rng.randint(1, 8)))
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        pairs.append((query, body))
        words = "".join(rng.choice(_WORDS[:9]) for _ in range(rng.randint(1, 2)))
        query = "".join(c for c in words if rng.random() > 0.15) or words
        body = "".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 4)))
        pairs.append((query, body))
    return pairs


async def test_word_similarity_is_pg_trgms_to_the_last_bit(db_engine: AsyncEngine) -> None:
    pairs = _pairs(25_000, seed=5)
    async with db_engine.connect() as connection:
        result = await connection.execute(
            text(
                "SELECT word_similarity(q, t) FROM unnest(CAST(:queries AS text[]), "
                "CAST(:texts AS text[])) WITH ORDINALITY u(q, t, i) ORDER BY i"
            ),
            {"queries": [q for q, _ in pairs], "texts": [t for _, t in pairs]},
        )
        theirs = [row[0] for row in result]

    ours = [word_similarity(q, t) for q, t in pairs]

    assert ours == theirs
    assert sum(value >= WORD_SIMILARITY_THRESHOLD for value in ours) > 2_000


def _reference_trigrams(body: str) -> set[str]:
    """pg_trgm's trigrams of ``body``: words of letters and digits, lower-cased, padded."""
    found = set()
    for word in re.findall(r"[^\W_]+", body.lower()):
        padded = f"  {word} "
        found |= {padded[i : i + 3] for i in range(len(padded) - 2)}
    return found


def _index(bodies: list[str], marks: list[int]) -> WordTrigrams:
    encoded = [body.encode() for body in bodies]
    offsets = np.cumsum([0, *map(len, encoded)], dtype=np.int64)
    return WordTrigrams.build(b"".join(encoded), offsets, np.array(marks, dtype=np.int32))


def test_postings_hold_each_text_under_each_of_its_ascii_trigrams() -> None:
    bodies = [body for _, body in _pairs(300, seed=7)]
    index = _index(bodies, list(range(len(bodies))))
    alphabet = " 0123456789abcdefghijklmnopqrstuvwxyz"

    def code(trigram: str) -> int:
        a, b, c = (alphabet.index(char) for char in trigram)
        return a * 37 * 37 + b * 37 + c

    expected: dict[int, list[int]] = {}
    for row, body in enumerate(bodies):
        for trigram in _reference_trigrams(body):
            if all(char in alphabet for char in trigram):
                expected.setdefault(code(trigram), []).append(row)

    held = {
        c: index.rows[index.starts[c] : index.starts[c + 1]].tolist()
        for c in range(len(index.starts) - 1)
        if index.starts[c + 1] > index.starts[c]
    }
    assert held == expected


def test_similar_marks_are_every_text_over_the_threshold_best_first() -> None:
    rng = random.Random(11)
    bodies = [body for _, body in _pairs(1_500, seed=13)]
    marks = sorted(rng.randrange(800) for _ in bodies)
    classes = np.array([class_mask([rng.randint(1, 45)]) for _ in range(800)], dtype=np.uint64)
    index = _index(bodies, marks)
    queries = ["starstyle", "greenlnk", "novalab", "abcab", "magnabeauty", "sty", "bca"]
    for query in queries:
        for wanted in ((), (3, 9, 25, 30)):
            mask = class_mask(wanted)
            scored = [
                (-word_similarity(query, body), row)
                for row, body in enumerate(bodies)
                if not mask or int(classes[marks[row]]) & mask
            ]
            over = sorted(s for s in scored if -s[0] >= WORD_SIMILARITY_THRESHOLD)
            for cap in (5, 50, 10_000):
                found = index.similar_marks(query, classes, MarkFilter(mask), cap)
                assert found == [marks[row] for _, row in over[:cap]], (query, wanted, cap)
    assert index.counts == bytearray(len(bodies))  # the scratch is left zero


def test_a_query_with_a_letter_beyond_ascii_is_not_answered() -> None:
    index = _index(["cafe", "café"], [0, 1])
    classes = np.zeros(2, dtype=np.uint64)

    assert index.similar_marks("cafés", classes, MarkFilter(), 50) is None
    assert index.similar_marks("cafes", classes, MarkFilter(), 50) == [0]


def test_the_kernel_refuses_arrays_that_do_not_fit_together() -> None:
    index = _index(["starstyle", "greenlink"], [0, 1])
    classes = np.zeros(2, dtype=np.uint64)

    def rows_of(marks: Any) -> list[int] | None:
        arrays = (index.texts, index.text_offsets, index.starts, index.rows)
        return _trigrams.similar_rows("star", *arrays, marks, classes, index.counts, 0, 0, 50, 0.6)

    with pytest.raises(ValueError, match="do not fit"):
        rows_of(index.text_marks[:1])
    with pytest.raises(TypeError, match="1-D array of 4-byte"):
        rows_of(classes)
    with pytest.raises(ValueError, match="offsets do not fit"):
        _trigrams.build(b"abc", np.array([0, 9], dtype=np.int64))
    assert rows_of(index.text_marks) == [0]
