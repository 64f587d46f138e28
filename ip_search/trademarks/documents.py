"""A search's response documents as plain dicts, serialised once by orjson (no I/O).

A page lists up to 100 hits of five explained dimensions each: validating them into pydantic
models cost more than ranking them, so the body is built here, and ``SearchResponse`` stays the
documented contract that a test holds the body to. setup.py compiles this module with mypyc:
twenty hits make some 120 dicts.
"""

from __future__ import annotations

from typing import Any

from ip_search.search.backend import Candidate, Facets
from ip_search.text import Dimension, Score

Document = dict[str, Any]
"""A response document as JSON will hold it."""

_DIMENSION_NAMES = {dimension: dimension.value for dimension in Dimension}
"""Each dimension's name, looked up: an enum's ``value`` is a descriptor call, five per hit."""

ROUNDED_SIZE = 4096
_ROUNDED: dict[float, float] = {}


def _rounded(value: float) -> float:
    """``round(value, 4)``, remembered for up to ``ROUNDED_SIZE`` values.

    A page of twenty hits rounds some 300 numbers, but few distinct ones: the weights are five
    constants, and similarities and contributions are mostly 0, 1 and ratios of small counts
    (300 benchmark searches held 128 distinct similarities). An unseen value is rounded by
    ``round`` itself, so the result is the same (the numbers are never negative, so no ``-0.0``
    is looked up as the ``0.0`` it equals).
    """
    rounded = _ROUNDED.get(value)
    if rounded is None:
        rounded = round(value, 4)
        if len(_ROUNDED) < ROUNDED_SIZE:
            _ROUNDED[value] = rounded
    return rounded


def hit_document(candidate: Candidate, score: Score) -> Document:
    """A ``TrademarkHit`` document."""
    return {
        "application_no": candidate.application_no,
        "registration_no": candidate.registration_no,
        "name": candidate.name,
        "classes": candidate.nice_classes,
        "class_codes": candidate.class_codes,
        "groups": candidate.groups,
        "status": candidate.status,
        "kind": candidate.kind,
        "filing_date": candidate.filing_date,
        "score": {
            "total": round(score.total, 4),
            "breakdown": [
                {
                    "dimension": _DIMENSION_NAMES[d.dimension],
                    "matched": d.matched,
                    "similarity": _rounded(d.similarity),
                    "weight": _rounded(d.weight),
                    "contribution": _rounded(d.contribution),
                    "evidence": d.evidence,
                }
                for d in score.breakdown
            ],
        },
    }


def facets_document(facets: Facets) -> Document:
    """A ``Facets`` document."""
    return {
        "nice_class": [{"value": str(v), "count": n} for v, n in facets.nice_class],
        "status": [{"value": v, "count": n} for v, n in facets.status],
        "kind": [{"value": v, "count": n} for v, n in facets.kind],
    }
