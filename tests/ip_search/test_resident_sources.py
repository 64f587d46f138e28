"""The resident index's sources against plain-Python statements of their SQL (no database)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import orjson
import pytest

from ip_search.search import ranking
from ip_search.search.ranking import MIN_SCORE, ROUNDING_APART
from ip_search.search.resident import _page as page_kernel  # built by `make install`
from ip_search.search.resident import index as index_module
from ip_search.search.resident import page as page_module
from ip_search.search.resident.filters import NO_MARK_BIT, MarkFilter, class_mask
from ip_search.search.resident.index import (
    FIRST_CHUNK,
    ResidentIndex,
    exact_rows,
    key_source,
)
from ip_search.text import MarkFields
from ip_search.text.packed_keys import pack_keys


def _index(
    classes: Sequence[Sequence[int]],
    lengths: Sequence[int],
    postings: dict[str, list[int]],
    texts: Sequence[tuple[str, int]] = (),
) -> ResidentIndex:
    """An index of ``len(classes)`` marks; ``texts`` are ``(compact, ordinal)`` rows in
    (number, position) order, and each mark's card holds the compacts ``texts`` give it."""
    compacts: dict[int, list[str]] = {}
    for compact, ordinal in texts:
        compacts.setdefault(ordinal, []).append(compact)
    cards, keys = bytearray(), bytearray()
    offsets, key_offsets = [0], [0]
    for ordinal, mark_classes in enumerate(classes):
        number = f"{ordinal:09d}"
        cards += orjson.dumps([number, None, number, "registered", "trademark", mark_classes,
                               [], [], None])  # fmt: skip
        offsets.append(len(cards))
        keys += _packed_keys(compacts.get(ordinal, [])).encode()
        key_offsets.append(len(keys))
    hashes = np.array([index_module.text_hash(c) for c, _ in texts], dtype=np.int64)
    order = np.argsort(hashes, kind="stable")
    return ResidentIndex(
        stamp=None,
        filter_words=np.array([class_mask(c) for c in classes], dtype=np.uint64),
        lengths=np.array(lengths, dtype=np.int16),
        cards=cards,
        card_offsets=np.array(offsets, dtype=np.int64),
        keys=keys,
        key_offsets=np.array(key_offsets, dtype=np.int64),
        grams={key: np.array(marks, dtype=np.int32) for key, marks in postings.items()},
        sounds={},
        text_hashes=hashes[order],
        text_marks=np.array([o for _, o in texts], dtype=np.int32)[order],
    )


def _packed_keys(compacts: list[str]) -> str:
    """Keys of a mark written as ``compacts`` (one form each, or one empty form), packed."""
    forms = compacts or [""]
    blank = [""] * len(forms)
    document = {"forms": forms, "compacts": forms, "pinyin_toned": blank, "pinyin_plain": blank,
                "phonetic": blank, "distinctive": [], "texts": forms[:1]}  # fmt: skip
    return pack_keys(document)


def _reference(
    index: ResidentIndex,
    postings: dict[str, list[int]],
    keys: Sequence[str],
    classes: Sequence[int],
    per_key: int,
    cap: int,
    facets: int = 0,
) -> list[int]:
    """``sql.key_source`` as plain Python: first postings per key in the classes (and with a
    bit of ``facets``: a status and kind), weighed ``ln(1 + per_key / n)``, summed in key then
    posting order, best sum, shortest, number."""

    def kept(mark: int) -> bool:
        word = int(index.filter_words[mark])
        return (not classes or bool(word & class_mask(classes))) and (
            not facets or bool(word & facets)
        )

    sums: dict[int, float] = {}
    for key in keys:
        first = [m for m in postings.get(key, []) if kept(m)][:per_key]
        for mark in first:
            sums[mark] = sums.get(mark, 0.0) + math.log(1.0 + float(per_key) / len(first))
    ranked = sorted(sums, key=lambda m: (-sums[m], int(index.lengths[m]), m))
    return ranked[:cap]


def test_a_class_mask_refuses_what_a_uint64_cannot_hold() -> None:
    assert class_mask([1, 45]) == (1 << 1) | (1 << 45)
    with pytest.raises(ValueError, match="outside"):
        class_mask([64])
    with pytest.raises(ValueError, match="outside"):
        class_mask([47])  # the bits above the classes are the (status, kind) pairs


@pytest.fixture(params=["built", "numpy"])
def ranker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """``key_source`` by its C kernel (``_key_source.c``, as built) and by its numpy fallback."""
    if request.param == "numpy":
        monkeypatch.setattr(index_module, "_native_key_source", None)
    else:
        assert index_module._native_key_source is not None, "run `make install` to build it"
    return str(request.param)


@pytest.mark.usefixtures("ranker")
def test_the_class_filter_reads_on_past_the_first_chunks() -> None:
    marks = 6 * FIRST_CHUNK
    classes = [[7] if m % 300 == 299 else [5] for m in range(marks)]
    postings = {"key": list(range(marks))}
    index = _index(classes, [3] * marks, postings)

    kept = MarkFilter(class_mask([7]))
    found = key_source(index, index.grams, ["key"], kept=kept, per_key=10, cap=50)

    assert found == [m for m in range(marks) if m % 300 == 299][:10]
    assert found == _reference(index, postings, ["key"], [7], 10, 50)


@pytest.mark.usefixtures("ranker")
@pytest.mark.parametrize("seed", range(20))
def test_key_source_ranks_as_its_sql_does(seed: int) -> None:
    rng = random.Random(seed)
    marks = 400
    classes = [rng.sample(range(1, 46), rng.randint(1, 3)) for _ in range(marks)]
    lengths = [rng.randint(1, 6) for _ in range(marks)]
    postings = {
        f"k{k}": sorted(
            rng.sample(range(marks), rng.randint(1, 120)), key=lambda m: (lengths[m], m)
        )
        for k in range(12)
    }
    index = _index(classes, lengths, postings)
    # Each mark's (status, kind) pair: one of three bits above the classes.
    pairs = np.array([1 << (48 + rng.randrange(3)) for _ in range(marks)], dtype=np.uint64)
    index = replace(index, filter_words=index.filter_words | pairs)
    keys = [f"k{rng.randrange(14)}" for _ in range(rng.randint(1, 6))]  # unknown and repeated
    wanted = rng.choice([[], [rng.randint(1, 45)], rng.sample(range(1, 46), 5)])
    facets = rng.choice([0, 1 << 48, (1 << 48) | (1 << 50)])
    per_key = rng.choice([5, 30])

    kept = MarkFilter(class_mask(wanted), facets)
    found = key_source(index, index.grams, keys, kept=kept, per_key=per_key, cap=25)

    assert found == _reference(index, postings, keys, wanted, per_key, 25, facets)


@pytest.fixture(params=["built", "python"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The index's buffers read, and its exact texts looked up, by the C kernel (``_page.c``,
    as built) and by Python."""
    if request.param == "python":
        monkeypatch.setattr(index_module, "_page", None)
    return str(request.param)


@pytest.mark.usefixtures("reader")
def test_exact_rows_pass_over_colliding_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "text_hash", lambda compact: 42)
    texts = [("abc", 0), ("abd", 1), ("abc", 2), ("abc", 2), ("zz", 3), ("abd", 4)]
    index = _index([[5], [5], [9], [5], [5]], [3] * 5, {}, texts)

    rows = exact_rows(index, ["abd", "abc", "abc"], kept=MarkFilter(), cap=50)
    in_class = exact_rows(index, ["abc", "abd"], kept=MarkFilter(class_mask([5])), cap=50)
    capped = exact_rows(index, ["abc", "abd"], kept=MarkFilter(), cap=2)
    past_collisions = exact_rows(index, ["abd"], kept=MarkFilter(), cap=2)

    # By text, then number; a mark holding the text twice fills two rows, as in SQL.
    assert rows == [0, 2, 2, 1, 4]
    assert in_class == [0, 1, 4]
    assert capped == [0, 2]
    # Read on past the keys of other texts (four of them) until the cap is filled.
    assert past_collisions == [1, 4]


@pytest.mark.usefixtures("reader")
def test_cards_read_together_are_those_read_one_by_one() -> None:
    texts = [("abc", 0), ("日本語", 2), ('x"y\\z', 3)]
    index = _index([[5], [5, 9], [9], [45]], [3] * 4, {}, texts)

    together = index.cards_of([3, 0, 2, 3])

    offsets = index.card_offsets.tolist()
    one_by_one = [orjson.loads(index.cards[offsets[o] : offsets[o + 1]]) for o in (3, 0, 2, 3)]
    assert together == one_by_one
    assert together[2][0] == "000000002"
    assert index.cards_of([]) == []


@pytest.mark.usefixtures("reader")
def test_keys_read_together_are_those_read_one_by_one() -> None:
    texts = [("abc", 0), ("日本語", 2), ('x"y\\z', 3)]
    index = _index([[5], [5, 9], [9], [45]], [3] * 4, {}, texts)

    together = index.keys_of([3, 0, 2, 1, 3])

    offsets = index.key_offsets.tolist()
    one_by_one = [index.keys[offsets[o] : offsets[o + 1]].decode() for o in (3, 0, 2, 1, 3)]
    assert together == one_by_one
    compacts = [MarkFields.from_document(keys).compacts for keys in together]
    assert compacts == [['x"y\\z'], ["abc"], ["日本語"], [""], ['x"y\\z']]
    assert index.keys_of([]) == []


def test_the_kernel_refuses_what_is_not_an_index_array() -> None:
    index = _index([[5], [5]], [3, 3], {"k": [0, 1]})
    kernel = index_module._native_key_source
    assert kernel is not None, "run `make install` to build it"
    with pytest.raises(IndexError):
        kernel([np.array([0, 7], dtype=np.int32)], index.filter_words, index.lengths, 0, 0, 5, 5)
    with pytest.raises(TypeError):
        kernel([np.array([0, 1], dtype=np.int64)], index.filter_words, index.lengths, 0, 0, 5, 5)
    with pytest.raises(ValueError, match="per_key"):
        kernel([index.grams["k"]], index.filter_words, index.lengths, 0, 0, 0, 5)
    assert kernel([], index.filter_words, index.lengths, 0, 0, 5, 5) == []


def test_the_page_kernel_refuses_what_is_not_in_the_index() -> None:
    index = _index([[5], [5, 9]], [3, 3], {}, [("abc", 0), ("de", 1)])
    kernel = page_kernel
    for read in (kernel.slices, kernel.json_array):
        for buffer, offsets in ((index.keys, index.key_offsets), (index.cards, index.card_offsets)):
            with pytest.raises(IndexError):
                read(buffer, offsets, [0, 2])
            with pytest.raises(IndexError):
                read(buffer, offsets, [-1])
            with pytest.raises(TypeError):
                read(buffer, offsets.astype(np.int32), [0])
            with pytest.raises(ValueError, match="outside"):
                read(buffer[:3], offsets, [1])
    with pytest.raises(UnicodeDecodeError):
        kernel.slices(b"\xff\xfe", np.array([0, 2], dtype=np.int64), [0])
    assert kernel.json_array(index.cards, index.card_offsets, []) == b"[]"
    words = index.filter_words
    texts = (index.text_hashes, index.text_marks, words, index.keys, index.key_offsets)
    hashed = int(index.text_hashes[0])
    compact = "abc" if hashed == index_module.text_hash("abc") else "de"
    assert kernel.exact_marks(*texts, hashed, compact, 0, 0, 5) == [int(index.text_marks[0])]
    assert kernel.exact_marks(*texts, hashed, compact, 0, 0, 0) == []
    beyond = np.array([7, 7], dtype=np.int32)
    with pytest.raises(IndexError):
        kernel.exact_marks(texts[0], beyond, *texts[2:], hashed, compact, 0, 0, 5)
    with pytest.raises(ValueError, match="differ"):
        kernel.exact_marks(texts[0], beyond[:1], *texts[2:], hashed, compact, 0, 0, 5)
    with pytest.raises(TypeError):
        kernel.exact_marks(texts[0], beyond.astype(np.int64), *texts[2:], hashed, compact, 0, 0, 5)
    with pytest.raises(IndexError):
        kernel.ranked([0.5], [2], words, 0.3, 2e-6, 5)
    with pytest.raises(ValueError, match="differ"):
        kernel.ranked([0.5, 0.6], [0], words, 0.3, 2e-6, 5)
    with pytest.raises(ValueError, match="limit"):
        kernel.ranked([0.5], [0], words, 0.3, 2e-6, -1)
    with pytest.raises(TypeError):
        kernel.ranked([0.5], [0], words.astype(np.int32), 0.3, 2e-6, 5)
    assert kernel.ranked([], [], words, 0.3, 2e-6, 5) == ([], 0, [0] * 64)


def test_the_page_kernel_ranks_and_counts_as_python_does() -> None:
    # Totals on and around the rounding boundaries of the sixth place (as
    # test_ranking.test_best_first_orders_as_the_rounded_order_key), each mark any filter word.
    rng = random.Random(29)
    marks = 1000
    words = np.array([rng.getrandbits(64) for _ in range(marks)], dtype=np.uint64)
    index = replace(_index([[]] * marks, [3] * marks, {}), filter_words=words)
    kernel = page_kernel
    for _ in range(2_000):
        centre = rng.uniform(0.25, 1.0)
        values = [
            rng.choice([centre, round(centre, 6) + 5e-7, centre + rng.uniform(-3e-6, 3e-6),
                        rng.uniform(0.0, 1.0)])
            for _ in range(rng.randint(0, 60))
        ]  # fmt: skip
        ordinals = rng.sample(range(marks), len(values))
        limit = rng.choice([0, 1, 5, 20, 100])

        ranked = ranking.best_first(values, ordinals)
        expected = (
            ranked[: limit + 1],
            len(ranked),
            page_module.bit_counts(index, [o for _, o in ranked]),
        )
        assert kernel.ranked(values, ordinals, words, MIN_SCORE, ROUNDING_APART, limit) == expected


def test_status_and_kind_filters_become_the_bits_of_their_pairs() -> None:
    index = _index([[5], [5]], [3, 3], {})
    pairs = {("registered", "trademark"): 48, ("lapsed", "trademark"): 49,
             ("registered", "certification_mark"): 50}  # fmt: skip
    with_pairs = replace(index, facets=pairs)

    assert with_pairs.mark_filter([5], (), ()) == MarkFilter(class_mask([5]))
    assert with_pairs.mark_filter([], ("registered",), ()) == MarkFilter(0, (1 << 48) | (1 << 50))
    assert with_pairs.mark_filter([], ("registered",), ("trademark",)) == MarkFilter(0, 1 << 48)
    nothing = with_pairs.mark_filter([], ("filed",), ())
    assert nothing == MarkFilter(0, 1 << NO_MARK_BIT)
    assert not nothing.passing(np.array([(1 << 48) | (1 << 5)], dtype=np.uint64)).any()
    # More pairs than bits: the index cannot check a status, PostgreSQL must.
    assert index.mark_filter([], ("registered",), ()) is None
    assert index.mark_filter([5], (), ()) == MarkFilter(class_mask([5]))
