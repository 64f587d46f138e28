"""A search's response documents as plain dicts, serialised once by orjson (no I/O).

A page lists up to 100 hits of five explained dimensions each: validating them into pydantic
models cost more than ranking them, so the body is built here, and ``SearchResponse`` stays the
documented contract that a test holds the body to. A similar page's scores arrive already
written as JSON (``ip_search.text.explain_json``) and are embedded as they are. setup.py
compiles this module with mypyc: a listing's hits make some six dicts each.
"""

from __future__ import annotations

from typing import Any

import orjson

from ip_search.search.backend import Candidate, Facets
from ip_search.text import ScoreDocument

Document = dict[str, Any]
"""A response document as JSON will hold it."""

SCORE_DIGITS = 4
"""Places a hit's score and its breakdown's numbers are rounded to."""


def hit_document(candidate: Candidate, score: ScoreDocument | orjson.Fragment) -> Document:
    """A ``TrademarkHit`` document: the candidate and its score's document
    (``ip_search.text.score_document``), or that document already written as JSON
    (``ip_search.text.explain_json``)."""
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
        "score": score,
    }


def facets_document(facets: Facets) -> Document:
    """A ``Facets`` document."""
    return {
        "nice_class": [{"value": str(v), "count": n} for v, n in facets.nice_class],
        "status": [{"value": v, "count": n} for v, n in facets.status],
        "kind": [{"value": v, "count": n} for v, n in facets.kind],
    }
