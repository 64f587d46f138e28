"""Watch matching without I/O: candidates by class or group, then the similar search's score."""

from __future__ import annotations

import orjson

from ip_search.importing.rows import keys_json
from ip_search.text import Dimension, mark_keys, query_keys, score
from ip_search.watches.matching import NewMark, WatchIndex, WatchTerms, match, plan

BUDGET = 1000


def watch(
    watch_id: int,
    text: str,
    *,
    classes: tuple[int, ...] = (),
    groups: tuple[str, ...] = (),
    threshold: float = 0.6,
) -> WatchTerms:
    return WatchTerms(watch_id, query_keys(text), classes, groups, threshold)


def mark(number: str, name: str, classes: tuple[int, ...], groups: tuple[str, ...]) -> NewMark:
    return NewMark(number, classes, groups, orjson.loads(keys_json(mark_keys(name))))


def test_candidates_share_a_class_or_a_group_and_come_once() -> None:
    by_class = watch(1, "生華", classes=(5,))
    by_group = watch(2, "生華", groups=("0501",))
    both = watch(3, "生華", classes=(5,), groups=("0501",))
    elsewhere = watch(4, "生華", classes=(9,), groups=("0901",))
    index = WatchIndex([by_class, by_group, both, elsewhere])

    found = index.candidates(mark("1", "東生華", (5,), ("0501",)))

    assert sorted(w.id for w in found) == [1, 2, 3]


def test_an_alert_carries_the_explained_score_of_the_similar_search() -> None:
    watched = watch(1, "生華", classes=(5,))
    new = mark("113000001", "東生華", (5,), ("0501",))

    [alert] = match(plan(WatchIndex([watched]), [new], BUDGET))

    expected = score(
        watched.keys,
        mark_keys("東生華"),
        query_classes=(5,),
        mark_classes=(5,),
        mark_groups=("0501",),
    )
    assert (alert.watch_id, alert.application_no) == (1, "113000001")
    assert alert.score == expected
    assert alert.score.dimension(Dimension.WORDS).matched
    assert "shared Nice classes [5]" in alert.score.dimension(Dimension.CLASSES).evidence


def test_the_threshold_and_the_search_floor_both_hold_back_alerts() -> None:
    new = mark("113000001", "東生華", (5,), ())
    strict = watch(1, "生華", classes=(5,), threshold=0.95)
    lenient = watch(2, "大同", classes=(5,), threshold=0.0)  # unrelated text, no floor crossed

    assert match(plan(WatchIndex([strict, lenient]), [new], BUDGET)) == []


def test_a_mark_outside_the_watched_classes_and_groups_raises_nothing() -> None:
    watched = watch(1, "生華", classes=(5,))
    same_name_elsewhere = mark("113000002", "生華", (9,), ("0901",))

    assert match(plan(WatchIndex([watched]), [same_name_elsewhere], BUDGET)) == []


def test_a_plan_stops_at_the_pair_budget_but_always_takes_one_mark() -> None:
    watches = [watch(i, "生華", classes=(5,)) for i in range(1, 4)]
    marks = [mark(f"11300000{i}", "東生華", (5,), ()) for i in range(3)]
    index = WatchIndex(watches)

    assert [len(w) for _, w in plan(index, marks, budget=7)] == [3, 3]
    assert [m.application_no for m, _ in plan(index, marks, budget=1)] == ["113000000"]
