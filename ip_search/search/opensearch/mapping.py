"""The trademark index: its settings, field mappings and versioned names (pure data).

The fields hold the same keys as the PostgreSQL key tables, computed by the same functions, so
both backends find the same candidates: ``compacts`` (``mark_text``), ``grams`` (``mark_gram``)
and ``sounds`` (``mark_sound``) are keyword fields, ``mark_length`` orders marks sharing keys.
``compacts.trigram`` and ``applicant_key.trigram`` are 3-gram text fields, pg_trgm's role: a
phrase of 3-grams is a substring, a share of them is similar wording. ``forms`` is the mark's
name and words, folded, under OpenSearch's built-in ``cjk`` analyzer (CJK bigrams, width
folding, Latin words). The stored ``match_keys`` are read back by the ranker, never searched.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

TRIGRAM = "trigram"
SHARDS = 1
"""A million marks make an index of a few GB: one shard is the fastest layout at that size."""

_TRIGRAM_TEXT = {"type": "text", "analyzer": TRIGRAM}
_NOT_SEARCHED = {"type": "keyword", "index": False, "doc_values": False}

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "application_no": {"type": "keyword"},
        "registration_no": _NOT_SEARCHED,
        "name": _NOT_SEARCHED,
        "status": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "nice_classes": {"type": "short"},
        "class_codes": _NOT_SEARCHED,
        "groups": {"type": "keyword"},
        "vienna_codes": {"type": "keyword"},
        # A keyword longer than Lucene's term limit would refuse the document: beyond 2,000
        # characters only the 3-gram field (3 characters or more) matches an applicant.
        "applicant_key": {
            "type": "keyword",
            "ignore_above": 2000,
            "fields": {TRIGRAM: _TRIGRAM_TEXT},
        },
        "filing_date": {"type": "date", "format": "strict_date"},
        "forms": {"type": "text", "analyzer": "cjk"},
        "compacts": {"type": "keyword", "fields": {TRIGRAM: _TRIGRAM_TEXT}},
        "grams": {"type": "keyword"},
        "sounds": {"type": "keyword"},
        "mark_length": {"type": "short"},
        "match_keys": {"type": "object", "enabled": False},
    },
}

ANALYSIS: dict[str, Any] = {
    # Every 3 consecutive characters, each at the next position: a phrase of them is a substring.
    "tokenizer": {TRIGRAM: {"type": "ngram", "min_gram": 3, "max_gram": 3}},
    "analyzer": {TRIGRAM: {"type": "custom", "tokenizer": TRIGRAM}},
}


LOADING: dict[str, Any] = {"number_of_replicas": 0, "refresh_interval": "-1"}
"""While a full reindex loads: no refresh, no replicas (both come back before the swap)."""


def live_settings(replicas: int) -> dict[str, Any]:
    """The index settings of an index that serves searches."""
    return {"number_of_replicas": replicas, "refresh_interval": "1s"}


def index_body(*, replicas: int, loading: bool) -> dict[str, Any]:
    """A new index: settings (``LOADING`` ones for a bulk load), analysis and mappings."""
    index = {"number_of_shards": SHARDS, **(LOADING if loading else live_settings(replicas))}
    return {"settings": {"index": index, "analysis": ANALYSIS}, "mappings": MAPPINGS}


def versioned_name(alias: str, at: dt.datetime) -> str:
    """The name of a full reindex's index behind ``alias`` (UTC time to the microsecond)."""
    return f"{alias}-{at.astimezone(dt.UTC):%Y%m%d%H%M%S%f}"
