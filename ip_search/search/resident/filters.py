"""What a resident index's sources keep of the marks they find: classes, status and kind.

Each mark has one 64-bit *filter word*: the bits of its Nice classes (1-45) and, above them,
one bit for its (status, kind) pair (``FACET_BITS``). A filter is two masks; a mark passes
when its word shares a bit with each mask that is not 0, as PostgreSQL's ``nice_classes &&``,
``status = ANY`` and ``kind = ANY`` keep it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FACET_BITS = range(48, 64)
"""Bits of a mark's filter word (``ResidentIndex.filter_words``) above its classes, one for each
(status, kind) pair the register holds: a status or kind filter is checked as classes are."""
NO_MARK_BIT = 47
"""A bit no mark has: the facet mask of a filter that no (status, kind) pair passes."""


def class_mask(classes: Iterable[int]) -> int:
    """Nice classes (1-45) as bits of one integer (a ``uint64`` holds them, and the
    ``FACET_BITS``)."""
    mask = 0
    for nice_class in classes:
        if not 0 < nice_class < NO_MARK_BIT:
            raise ValueError(f"Nice class {nice_class} is outside 1-{NO_MARK_BIT - 1}")
        mask |= 1 << nice_class
    return mask


@dataclass(frozen=True, slots=True)
class MarkFilter:
    """The marks a source keeps: those with one of ``classes``' bits and one of ``facets``'
    bits in their filter word, each when it is not 0 (PostgreSQL's ``nice_classes &&``,
    ``status = ANY``, ``kind = ANY``)."""

    classes: int = 0
    facets: int = 0

    def passing(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
        """Which of these marks' filter words pass."""
        passing = np.ones(len(words), dtype=np.bool_)
        for mask in (self.classes, self.facets):
            if mask:
                passing &= (words & np.uint64(mask)) != 0
        return passing

    @property
    def active(self) -> bool:
        return bool(self.classes or self.facets)
