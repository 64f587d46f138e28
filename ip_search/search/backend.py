"""The contract every trademark search backend meets (PostgreSQL and OpenSearch).

A backend turns a ``SearchQuery`` into ``Candidates``: marks that may match, with the facts the
ranker needs (numbers, name, classes, status, stored match keys). Ranking, explanation, facets
and paging are the backend-independent part (``ip_search.search.ranking``), so two backends
that find the same candidates answer identically. A backend that holds its candidates' keys in
memory may rank the first page of a similar search itself (``similar_page``), by the same
scoring, and build only the page's candidates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from ip_search.text import KeyDocument


class SearchMode(StrEnum):
    EXACT = "exact"
    """Same wording after folding (width, case, script, punctuation, generic words)."""
    CONTAINS = "contains"
    PREFIX = "prefix"
    SIMILAR = "similar"
    """Same or similar wording, sound, glyphs; ranked by the explained score."""


class ViennaMatch(StrEnum):
    ALL = "all"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class Filters:
    """Conditions every hit must meet, whatever the mode."""

    nice_classes: tuple[int, ...] = ()
    groups: tuple[str, ...] = ()
    vienna: tuple[str, ...] = ()
    vienna_match: ViennaMatch = ViennaMatch.ALL
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    applicant: str | None = None
    filed_from: dt.date | None = None
    filed_to: dt.date | None = None

    @property
    def active(self) -> bool:
        return any((self.nice_classes, self.groups, self.vienna, self.statuses, self.kinds)) or any(
            v is not None for v in (self.applicant, self.filed_from, self.filed_to)
        )


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str
    mode: SearchMode
    filters: Filters = field(default_factory=Filters)
    limit: int = 20
    cursor: str | None = None


class Candidate(NamedTuple):
    """One mark a backend found, with what ranking and the result list need (a tuple: a search
    builds a hundred, and a frozen dataclass's field-by-field ``__init__`` cost more)."""

    application_no: str
    registration_no: str | None
    name: str
    status: str
    kind: str
    nice_classes: tuple[int, ...]
    class_codes: tuple[str, ...]
    groups: tuple[str, ...]
    filing_date: dt.date | None
    keys: KeyDocument
    """Its stored match keys: JSON (a listing's row) or packed (a card: ``text.packed_keys``)."""
    sources: tuple[str, ...] = ()
    """Which candidate sources found it (exact, words, gram, sound): evidence for tuning."""
    sort_key: tuple[str, ...] = ()
    """Keyset position of the mark in a non-similar listing."""


CANDIDATE_FACTS: tuple[str, ...] = Candidate._fields[: Candidate._fields.index("keys")]
"""The register columns a candidate carries (the search card's, and the search document's)."""


_new_tuple = tuple.__new__


def candidate_of(
    facts: Sequence[Any],
    filing_date: dt.date | None,
    keys: KeyDocument,
    sources: tuple[str, ...] = (),
    sort_key: tuple[str, ...] = (),
) -> Candidate:
    """A candidate from a row holding ``CANDIDATE_FACTS`` in order (the filing date and keys
    as the row's reader decoded them).

    Made by ``tuple.__new__`` with every field given: a named tuple's own ``__new__`` is Python
    code that does the same, and cost a search of sixty candidates some 30 µs more."""
    number, registration_no, name, status, kind, classes, codes, groups = facts[:8]
    return _new_tuple(
        Candidate,
        (
            number,
            registration_no,
            name,
            status,
            kind,
            tuple(classes),
            tuple(codes),
            tuple(groups),
            filing_date,
            keys,
            sources,
            sort_key,
        ),
    )


@dataclass(frozen=True, slots=True)
class FacetRow:
    nice_classes: tuple[int, ...]
    status: str
    kind: str


@dataclass(frozen=True, slots=True)
class Candidates:
    """What a backend returns for one query.

    For ``similar``: every candidate found (``page`` unused). For the other modes: ``page`` is
    the requested page in key order (one extra row tells that more follow) and ``matches``
    a capped sample of all matches for facets.
    """

    items: Sequence[Candidate]
    matches: Sequence[FacetRow]
    total: int
    total_is_exact: bool


@dataclass(frozen=True, slots=True)
class Facets:
    nice_class: list[tuple[int, int]]
    status: list[tuple[str, int]]
    kind: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class SimilarPage:
    """A page of a similar search, ranked (``ranking.similar_page``)."""

    hits: Sequence[tuple[Candidate, float]]
    """Best first, with their score totals; one more than the page holds when more follow."""
    total: int
    """The hits in all (candidates scoring at least ``ranking.MIN_SCORE``)."""
    total_is_exact: bool
    facets: Facets
    """Of all the hits."""


class QueryTooShortError(ValueError):
    """A ``contains`` query no index can answer (fewer than 3 letters and no CJK character)."""


class SearchBackendUnavailable(RuntimeError):
    """The backend's store cannot answer now (unreachable, or its index is missing)."""


class SearchBackend(Protocol):
    """Finds candidates for a query; the caller ranks and explains them."""

    async def candidates(self, query: SearchQuery, after: Sequence[str] | None) -> Candidates:
        """Candidates of ``query``; ``after`` is the decoded keyset cursor (non-similar modes).

        Raises ``QueryTooShortError`` and ``SearchBackendUnavailable``.
        """
        ...

    async def similar_page(self, query: SearchQuery) -> SimilarPage | None:
        """The first page of the similar search ``query``, ranked where the candidates are;
        None when this backend does not rank (the caller ranks its ``candidates``)."""
        ...
