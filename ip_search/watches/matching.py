"""Which watches a newly imported mark alerts (pure: no I/O).

Candidates first: only watches sharing a Nice class or a similar group with the mark are
considered (an inverted index over the watches at hand). Each pair is then judged exactly as
the similar search ranks a candidate, with the watch's text, classes and groups as the query:
the score's total (``ip_search.text.total``, read from the mark's stored key document, its
query side prepared once per watch) must reach the watch's threshold and the search's own
floor, and only then is it explained. Most pairs never get that far: an upper bound of the
total (``ip_search.text.bound``, half the cost) below the threshold rules them out. So an
alert is a mark that a similar search for the watch would list with at least that score, with
the same explanation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ip_search.search import ranking
from ip_search.text import (
    KeyDocument,
    MarkFields,
    MarkKeys,
    PreparedQuery,
    Score,
    Wanted,
    bound,
    explain,
    prepare,
    total,
)

ROUNDING = 1e-9
"""Slack for the bound's float rounding: a pair whose total is exactly the floor still alerts."""


@dataclass(frozen=True, slots=True)
class WatchTerms:
    """What matching needs of one watch (its text already analysed)."""

    id: int
    keys: MarkKeys
    nice_classes: tuple[int, ...]
    groups: tuple[str, ...]
    threshold: float
    prepared: PreparedQuery = field(init=False, repr=False, compare=False)
    wanted: Wanted = field(init=False, repr=False, compare=False)
    floor: float = field(init=False, repr=False, compare=False)
    """The least total that alerts: the threshold, or the search's floor if higher."""

    def __post_init__(self) -> None:
        # Derived once per watch, not once per (mark, watch) pair.
        object.__setattr__(self, "prepared", prepare(self.keys))
        object.__setattr__(self, "wanted", Wanted.of(self.nice_classes, self.groups))
        object.__setattr__(self, "floor", max(self.threshold, ranking.MIN_SCORE))


@dataclass(frozen=True, slots=True)
class NewMark:
    """A mark an import wrote, with its stored match keys."""

    application_no: str
    nice_classes: tuple[int, ...]
    groups: tuple[str, ...]
    keys: KeyDocument


@dataclass(frozen=True, slots=True)
class Alert:
    watch_id: int
    application_no: str
    score: Score


class WatchIndex:
    """Watches by Nice class and by similar group: the candidates of a mark in a few lookups."""

    def __init__(self, watches: Iterable[WatchTerms]) -> None:
        self._by_class: defaultdict[int, list[WatchTerms]] = defaultdict(list)
        self._by_group: defaultdict[str, list[WatchTerms]] = defaultdict(list)
        for watch in watches:
            for nice_class in watch.nice_classes:
                self._by_class[nice_class].append(watch)
            for group in watch.groups:
                self._by_group[group].append(watch)

    def candidates(self, mark: NewMark) -> list[WatchTerms]:
        """Every watch sharing a class or a group with ``mark``, each once."""
        found: dict[int, WatchTerms] = {}
        for nice_class in mark.nice_classes:
            found.update((w.id, w) for w in self._by_class.get(nice_class, ()))
        for group in mark.groups:
            found.update((w.id, w) for w in self._by_group.get(group, ()))
        return list(found.values())


def judge(watch: WatchTerms, mark: NewMark, fields: MarkFields) -> Score | None:
    """The explained score of ``mark`` for ``watch`` if it alerts, else None."""
    classes, groups = mark.nice_classes, mark.groups
    ceiling = bound(watch.prepared, fields, watch.wanted, mark_classes=classes, mark_groups=groups)
    if ceiling < watch.floor - ROUNDING:
        return None
    value = total(
        watch.prepared,
        fields,
        watch.wanted,
        mark_classes=mark.nice_classes,
        mark_groups=mark.groups,
    )
    if value < watch.floor:
        return None
    return explain(
        watch.prepared,
        fields,
        watch.wanted,
        mark_classes=mark.nice_classes,
        mark_groups=mark.groups,
    )


def alerts_for(mark: NewMark, watches: Sequence[WatchTerms]) -> list[Alert]:
    """The alerts ``mark`` raises among ``watches`` (its candidates)."""
    fields = MarkFields.from_document(mark.keys)
    found = ((w, judge(w, mark, fields)) for w in watches)
    return [Alert(w.id, mark.application_no, s) for w, s in found if s is not None]


Pairs = list[tuple[NewMark, list[WatchTerms]]]


def plan(index: WatchIndex, marks: Iterable[NewMark], budget: int) -> Pairs:
    """The leading marks with their candidate watches, up to ``budget`` pairs (at least one
    mark): bounds the work of one run of the handler whatever the number of watches."""
    planned: Pairs = []
    pairs = 0
    for mark in marks:
        candidates = index.candidates(mark)
        if planned and pairs + len(candidates) > budget:
            break
        planned.append((mark, candidates))
        pairs += len(candidates)
    return planned


def match(planned: Pairs) -> list[Alert]:
    return [alert for mark, watches in planned for alert in alerts_for(mark, watches)]
