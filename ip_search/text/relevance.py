"""A labelled relevance set for trademark similarity search, and recall@k over it.

Each case is what an examiner or a filing firm expects: searching the query (within the class
filter) must bring the expected mark into the first ten hits. The marks themselves
(``RELEVANCE_MARKS``) are planted into a register of distractors — the synthetic generator's,
which shares their characters, sounds and suffixes — so ranking is tested, not mere matching.
Tests rank in memory; the search benchmark runs the same cases against the real backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ip_search.text.keys import MarkKeys, mark_keys, query_keys
from ip_search.text.scoring import DEFAULT_WEIGHTS, Score, Weights, score


@dataclass(frozen=True, slots=True)
class RelevanceMark:
    """A mark planted in the register: its text and Nice classes."""

    mark_id: str
    name: str
    classes: tuple[int, ...]
    words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RelevanceCase:
    query: str
    classes: tuple[int, ...]
    """Class filter: only marks in one of these classes are candidates (empty: all)."""
    expected: str
    """``mark_id`` of the mark that must be found."""
    why: str
    must_rank_top_10: bool = True


RELEVANCE_MARKS: tuple[RelevanceMark, ...] = (
    RelevanceMark("tsh", "東生華", (5,)),
    RelevanceMark("kong", "康師傅及圖", (30,), ("康師傅", "MASTER KONG")),
    RelevanceMark("kong-homophone", "康詩富", (30,)),
    RelevanceMark("kong-simplified", "康师傅", (29, 30)),
    RelevanceMark("asus", "華碩", (9,)),
    RelevanceMark("asus-latin", "ASUS", (9, 42)),
    RelevanceMark("magna", "MAGNABEAUTY", (1, 3)),
    RelevanceMark("abc", "ABC", (9,)),
    RelevanceMark("heisong", "黑松及圖", (32,)),
    RelevanceMark("gaoqiang", "高強", (41,), ("高強專業珠心算",)),
    RelevanceMark("tongyi-homophone", "統壹", (30,)),
    RelevanceMark("fisher", "F FISHER SCIENTIFIC", (1,)),
    RelevanceMark("fusan", "富山 FUSAN", (5,), ("FUSAN",)),
    RelevanceMark("photogenic", "PHOTOGENIC", (3,)),
    RelevanceMark("speed", "スピードKIKIKO及圖", (3,)),
    RelevanceMark("energy", "量特能ENERGYISLAND及圖", (1,)),
)

RELEVANCE_CASES: tuple[RelevanceCase, ...] = (
    RelevanceCase("生華", (5,), "tsh", "two-character query contained in a three-character mark"),
    RelevanceCase("康師傅", (30,), "kong-homophone", "homophone written with other characters"),
    RelevanceCase("康詩富", (30,), "kong", "homophone, the other way round, 及圖 ignored"),
    RelevanceCase("康師傅", (30,), "kong-simplified", "traditional query, simplified mark"),
    RelevanceCase("华硕", (9,), "asus", "simplified query, traditional mark"),
    RelevanceCase("MAGNA BEAUTY", (3,), "magna", "spacing variant"),
    RelevanceCase("Magna-Beauty", (), "magna", "hyphen and case variant, no class filter"),
    RelevanceCase("ＡＢＣ", (9,), "abc", "full-width query, half-width mark"),
    RelevanceCase("asus", (9,), "asus-latin", "case folding"),
    RelevanceCase("黑松", (32,), "heisong", "及圖 suffix ignored"),
    RelevanceCase("高強及圖", (41,), "gaoqiang", "及圖 in the query ignored"),
    RelevanceCase("統一", (30,), "tongyi-homophone", "homophone 壹 for 一"),
    RelevanceCase("Fisher Scientific", (1,), "fisher", "words of a longer mark"),
    RelevanceCase("FUSAN", (), "fusan", "the English words of a mixed-script mark"),
    RelevanceCase("FOTOGENIC", (3,), "photogenic", "Latin sound-alike (metaphone)"),
    RelevanceCase("スピード", (3,), "speed", "Japanese kana words of a mixed mark"),
    RelevanceCase("ENERGY ISLAND", (1,), "energy", "English part of a mixed mark, spaced"),
)


@dataclass(frozen=True, slots=True)
class IndexedMark:
    mark_id: str
    keys: MarkKeys
    classes: frozenset[int]
    groups: frozenset[str] = frozenset()


def index_mark(
    mark_id: str,
    name: str,
    classes: Iterable[int],
    words: Iterable[str] = (),
    groups: Iterable[str] = (),
) -> IndexedMark:
    return IndexedMark(mark_id, mark_keys(name, *words), frozenset(classes), frozenset(groups))


def rank(
    query: str,
    classes: Sequence[int],
    register: Iterable[IndexedMark],
    *,
    limit: int = 10,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[tuple[IndexedMark, Score]]:
    """Score every mark passing the class filter; best first, ties by id for stability."""
    keys = query_keys(query)
    wanted = frozenset(classes)
    scored = [
        (
            mark,
            score(
                keys,
                mark.keys,
                query_classes=wanted,
                mark_classes=mark.classes,
                mark_groups=mark.groups,
                weights=weights,
            ),
        )
        for mark in register
        if not wanted or wanted & mark.classes
    ]
    scored.sort(key=lambda pair: (-pair[1].total, pair[0].mark_id))
    return scored[:limit]


def recall_at_k(
    cases: Sequence[RelevanceCase], register: Sequence[IndexedMark], k: int = 10
) -> tuple[float, list[RelevanceCase]]:
    """Share of cases whose expected mark ranks in the top ``k``, and the cases that missed."""
    missed = [
        case
        for case in cases
        if case.expected
        not in {mark.mark_id for mark, _ in rank(case.query, case.classes, register, limit=k)}
    ]
    return (len(cases) - len(missed)) / len(cases), missed
