"""A register row as the search index's document (pure: no I/O).

The keys come from the mark's stored ``match_keys`` through the functions that fill the
PostgreSQL key tables (``gram_keys``, ``sound_keys``), so a document holds exactly the keys
``mark_gram``/``mark_sound``/``mark_text`` hold for the mark.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ip_search.importing.rows import gram_keys, keys_from_doc, mark_length, sound_keys
from ip_search.search.backend import CANDIDATE_FACTS

CANDIDATE_FIELDS = (*CANDIDATE_FACTS, "match_keys")
"""What a search reads back from ``_source``: the facts of a ``Candidate``."""
FACET_FIELDS = ("nice_classes", "status", "kind")


def mark_document(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The document of one ``trademark`` row (see ``repository.MARK_COLUMNS``)."""
    keys = keys_from_doc(row["match_keys"])
    filed = row["filing_date"]
    return {
        "application_no": row["application_no"],
        "registration_no": row["registration_no"],
        "name": row["name"],
        "status": row["status"],
        "kind": row["kind"],
        "nice_classes": list(row["nice_classes"]),
        "class_codes": list(row["class_codes"]),
        "groups": list(row["groups"]),
        "vienna_codes": list(row["vienna_codes"]),
        "applicant_key": row["applicant_key"],
        "filing_date": filed.isoformat() if filed else None,
        "forms": [form for form in keys.forms if form],
        "compacts": [compact for compact in keys.compacts if compact],
        "grams": gram_keys(keys),
        "sounds": sound_keys(keys),
        "mark_length": mark_length(keys),
        "match_keys": row["match_keys"],
    }


def index_action(index: str, row: Mapping[Any, Any]) -> dict[str, Any]:
    """A bulk ``index`` action: the mark's document under its application number."""
    return {"_index": index, "_id": row["application_no"], "_source": mark_document(row)}
