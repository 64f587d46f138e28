"""Types of the C kernel ``_totals.c`` (built by setup.py; see ``scoring.totals``)."""

from collections.abc import Callable, Collection, Mapping, Sequence

from ip_search.text.scoring import PreparedQuery

def totals(
    query: PreparedQuery,
    documents: Sequence[Mapping[str, Sequence[str]] | str],
    mark_classes: Sequence[Collection[int]],
    mark_groups: Sequence[Collection[str]],
    wanted_classes: frozenset[int],
    wanted_groups: frozenset[str],
    weights: tuple[float, ...],
    /,
) -> list[float]: ...
def explained(
    query: PreparedQuery,
    documents: Sequence[Mapping[str, Sequence[str]] | str],
    mark_classes: Sequence[Collection[int]],
    mark_groups: Sequence[Collection[str]],
    wanted_classes: frozenset[int],
    wanted_groups: frozenset[str],
    weights: tuple[float, ...],
    matched_at: float,
    equal_after: Callable[[str, str], str],
    /,
) -> list[tuple[float, tuple[tuple[bool, float, float, float, str], ...]]]: ...
def scores_json(
    query: PreparedQuery,
    documents: Sequence[Mapping[str, Sequence[str]] | str],
    mark_classes: Sequence[Collection[int]],
    mark_groups: Sequence[Collection[str]],
    wanted_classes: frozenset[int],
    wanted_groups: frozenset[str],
    weights: tuple[float, ...],
    matched_at: float,
    equal_after: Callable[[str, str], str],
    names: tuple[str, ...],
    digits: int,
    /,
) -> list[tuple[float, bytes]]: ...
