"""Regulated products (應施檢驗商品): which goods BSMI inspects, under which schemes.

Officers keep a list of entries, each naming a CCC code or a 6/8/10-digit prefix of one, the
schemes allowed, the standards, the inspection timing and an effective date range (both ends
inclusive; an open end means still in force). A lookup takes the entries in force on the given
date and returns the one with the longest matching prefix, so an 11-digit exception overrides
its 8-digit heading. Two entries in force together on the same prefix are a data error that
``overlaps`` reports so the service can refuse them; if they slip through, the lookup prefers the
later-effective one, so it stays deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from common.ccc_code import is_ccc_prefix, normalise_ccc
from inspection.domain.schemes import Scheme

__all__ = [
    "InspectionTiming",
    "MalformedCccCode",
    "RegulatedEntry",
    "lookup",
    "overlaps",
    "search_by_name",
]


class InspectionTiming(StrEnum):
    """When the goods are inspected."""

    BORDER = "border"  # 邊境檢驗: before import clearance
    MARKET = "market"  # 市場檢驗: before leaving the factory or being sold


class MalformedCccCode(ValueError):
    """The text is not an 11-digit CCC code (nor a 6/8/10-digit prefix where one is allowed)."""


@dataclass(frozen=True, slots=True)
class RegulatedEntry:
    """One line of the regulated-products list."""

    ccc_prefix: str
    product_name: str
    schemes: tuple[Scheme, ...]
    standards: tuple[str, ...]
    timing: InspectionTiming
    effective_from: date
    effective_until: date | None = None

    def __post_init__(self) -> None:
        if not is_ccc_prefix(self.ccc_prefix):
            raise MalformedCccCode(f"{self.ccc_prefix!r} is not a 6/8/10/11-digit CCC prefix")
        if not self.schemes:
            raise ValueError("a regulated entry names at least one scheme")
        if self.effective_until is not None and self.effective_until < self.effective_from:
            raise ValueError("effective_until precedes effective_from")

    def in_force(self, on: date) -> bool:
        """Whether the entry applies on ``on``."""
        return self.effective_from <= on and (
            self.effective_until is None or on <= self.effective_until
        )


def lookup(code: str, entries: Iterable[RegulatedEntry], on: date) -> RegulatedEntry | None:
    """The entry governing CCC ``code`` on ``on``, or None when the goods are not regulated."""
    normalised = normalise_ccc(code)
    if normalised is None:
        raise MalformedCccCode(f"{code!r} is not an 11-digit CCC code")
    matching = [e for e in entries if e.in_force(on) and normalised.startswith(e.ccc_prefix)]
    if not matching:
        return None
    return max(matching, key=lambda e: (len(e.ccc_prefix), e.effective_from))


def search_by_name(text: str, entries: Iterable[RegulatedEntry], on: date) -> list[RegulatedEntry]:
    """Entries in force whose product name contains ``text``, most specific code first."""
    needle = text.strip().casefold()
    if not needle:
        return []
    found = [e for e in entries if e.in_force(on) and needle in e.product_name.casefold()]
    return sorted(found, key=lambda e: (-len(e.ccc_prefix), e.ccc_prefix))


def overlaps(entries: Sequence[RegulatedEntry]) -> list[tuple[RegulatedEntry, RegulatedEntry]]:
    """Pairs of entries on the same prefix whose effective ranges share a day."""
    return [
        (first, second)
        for index, first in enumerate(entries)
        for second in entries[index + 1 :]
        if first.ccc_prefix == second.ccc_prefix and _ranges_meet(first, second)
    ]


def _ranges_meet(first: RegulatedEntry, second: RegulatedEntry) -> bool:
    first_end = first.effective_until or date.max
    second_end = second.effective_until or date.max
    return first.effective_from <= second_end and second.effective_from <= first_end
