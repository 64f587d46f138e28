"""Search request bodies of the OpenSearch backend (pure: no I/O).

They mirror the PostgreSQL backend's statements source by source, with its caps and on the
same keys, so both backends hand the shared ranker the same candidates. ``similar`` looks up the
folded texts (capped), and the CJK characters/bigrams and Latin words and the sound keys as
``sql.key_source`` does: one search per key for its first ``KEY_POSTINGS`` marks in the posting
index's order (shortest first, then by number), filtered, and the marks ranked by the rarity of
the keys they share (``rarity_ranked``: ln(1 + KEY_POSTINGS / postings read), summed). Only when
these find few marks does it look for similar wording (3-gram share, pg_trgm's ``<%``, and fuzzy
words under the ``cjk`` analyzer, ranked by Lucene's score: PostgreSQL ranks by
``word_similarity``, so this source may order its misspellings differently).

What still differs: the key searches return sort values only, so a similar search takes a second
round trip to fetch the chosen marks' documents; rarity ties are broken by floating-point sums
added in another order; and the other modes are listings in a fixed sort order paged with
``search_after``, whose total Lucene counts exactly up to ``TOTAL_EXACT_UP_TO`` where PostgreSQL
samples and estimates. Filters are non-scoring ``filter`` clauses. Every value a user gives
travels as a JSON value, never as query syntax.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ip_search.importing.rows import latin_words, sound_keys
from ip_search.search.backend import Filters, QueryTooShortError, SearchMode, ViennaMatch
from ip_search.search.opensearch.documents import CANDIDATE_FIELDS, FACET_FIELDS
from ip_search.search.opensearch.mapping import TRIGRAM
from ip_search.search.postgres import (
    KEY_POSTINGS,
    MIN_TRIGRAM_LETTERS,
    SOURCE_CAP,
    latin_part,
)
from ip_search.text import MarkKeys

Body = dict[str, Any]
Clause = dict[str, Any]

TOTAL_EXACT_UP_TO = 10_000
"""A listing counts its matches exactly up to here; beyond, the total is a lower bound."""
WORD_SIMILARITY = "60%"
"""Share of the query's 3-grams a similar wording must hold (pg_trgm's default threshold)."""
BY_NUMBER: tuple[Clause, ...] = ({"application_no": "asc"},)
BY_LENGTH: tuple[Clause, ...] = ({"mark_length": "asc"}, *BY_NUMBER)
"""The posting index's order: a key's shortest marks first."""
BY_SCORE: tuple[Clause, ...] = ({"_score": "desc"}, *BY_LENGTH)
BY_TEXT: tuple[Clause, ...] = ({"compacts": {"order": "asc", "mode": "min"}}, *BY_NUMBER)


def wildcard_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")


def substring(field: str, text: str) -> Clause:
    """``field`` contains ``text``: a phrase of its 3-grams (consecutive positions, so exactly
    a substring), or a wildcard when ``text`` is too short to have one."""
    if len(text) >= MIN_TRIGRAM_LETTERS:
        return {"match_phrase": {f"{field}.{TRIGRAM}": text}}
    return {"wildcard": {field: {"value": f"*{wildcard_escape(text)}*"}}}


def filter_clauses(filters: Filters) -> list[Clause]:
    """The active filters as ``filter`` clauses: the conditions of ``sql.filter_statement``."""
    clauses: list[Clause] = []
    if filters.nice_classes:
        clauses.append({"terms": {"nice_classes": list(filters.nice_classes)}})
    if filters.groups:
        clauses.append({"terms": {"groups": list(filters.groups)}})
    if filters.vienna and filters.vienna_match is ViennaMatch.ALL:
        clauses.extend({"term": {"vienna_codes": code}} for code in filters.vienna)
    elif filters.vienna:
        clauses.append({"terms": {"vienna_codes": list(filters.vienna)}})
    if filters.statuses:
        clauses.append({"terms": {"status": list(filters.statuses)}})
    if filters.kinds:
        clauses.append({"terms": {"kind": list(filters.kinds)}})
    if filters.applicant:
        clauses.append(substring("applicant_key", filters.applicant))
    if filters.filed_from or filters.filed_to:
        bounds = {"gte": filters.filed_from, "lte": filters.filed_to}
        dates = {op: day.isoformat() for op, day in bounds.items() if day is not None}
        clauses.append({"range": {"filing_date": dates}})
    return clauses


def _capped(query: Clause, *, ranked: bool) -> Body:
    """At most ``SOURCE_CAP`` marks: best score first, then the shortest (or all by number)."""
    return {
        "size": SOURCE_CAP,
        "query": query,
        "sort": list(BY_SCORE if ranked else BY_NUMBER),
        "_source": list(CANDIDATE_FIELDS),
        "track_total_hits": False,
    }


@dataclass(frozen=True, slots=True)
class Source:
    """A candidate source's searches: one capped search (``exact``), or one per key, whose
    postings ``rarity_ranked`` turns into the source's marks."""

    label: str
    bodies: list[Body]
    per_key: bool


def posting_search(field: str, key: str, filters: list[Clause]) -> Body:
    """The first ``KEY_POSTINGS`` filtered marks holding ``key``, shortest first; their sort
    values (length, number) are all the ranking needs, so no document is read."""
    return {
        "size": KEY_POSTINGS,
        "query": {"bool": {"filter": [{"term": {field: key}}, *filters]}},
        "sort": list(BY_LENGTH),
        "_source": False,
        "track_total_hits": False,
    }


def rarity_ranked(postings: Sequence[Sequence[Mapping[str, Any]]]) -> list[str]:
    """Numbers of the marks the keys' postings found, as ``sql.key_source`` ranks them: each key
    weighs ln(1 + KEY_POSTINGS / n) for the n postings it brought, a mark the sum of its keys'
    weights; then the shortest, then by number; at most ``SOURCE_CAP``."""
    weights: dict[str, float] = {}
    lengths: dict[str, int] = {}
    for hits in postings:
        if not hits:
            continue
        weight = math.log(1.0 + KEY_POSTINGS / len(hits))
        for hit in hits:
            length, number = hit["sort"]
            weights[number] = weights.get(number, 0.0) + weight
            lengths[number] = min(lengths.get(number, length), length)
    ranked = sorted(weights, key=lambda number: (-weights[number], lengths[number], number))
    return ranked[:SOURCE_CAP]


def documents_search(numbers: Sequence[str]) -> Body:
    """The candidate fields of the marks ``numbers`` (the ranked marks of the key sources)."""
    return {
        "size": len(numbers),
        "query": {"ids": {"values": list(numbers)}},
        "_source": list(CANDIDATE_FIELDS),
        "track_total_hits": False,
    }


def similar_searches(keys: MarkKeys, filters: list[Clause]) -> list[Source]:
    """The sources the query can use (``postgres.similar_sources``), on the same keys."""
    searches: list[Source] = []
    compacts = [compact for compact in keys.compacts if compact]
    if compacts:
        exact = {"bool": {"filter": [{"terms": {"compacts": compacts}}, *filters]}}
        searches.append(Source("exact", [_capped(exact, ranked=False)], per_key=False))
    grams = [*(keys.cjk_bigrams or keys.cjk_unigrams), *latin_words(keys)]
    if grams:
        bodies = [posting_search("grams", gram, filters) for gram in grams]
        searches.append(Source("gram", bodies, per_key=True))
    sounds = sound_keys(keys)
    if sounds:
        bodies = [posting_search("sounds", sound, filters) for sound in sounds]
        searches.append(Source("sound", bodies, per_key=True))
    return searches


def words_search(keys: MarkKeys, filters: list[Clause]) -> Body | None:
    """Similar wording (misspellings) for a Latin part of 3+ letters: most 3-grams shared, or
    words within an edit or two under the ``cjk`` analyzer."""
    latin = latin_part(keys)
    if len(latin) < MIN_TRIGRAM_LETTERS:
        return None
    similar = [
        {
            "match": {
                f"compacts.{TRIGRAM}": {"query": latin, "minimum_should_match": WORD_SIMILARITY}
            }
        },
        {"match": {"forms": {"query": keys.forms[0], "fuzziness": "AUTO"}}},
    ]
    query = {"bool": {"should": similar, "minimum_should_match": 1, "filter": filters}}
    return _capped(query, ranked=True)


@dataclass(frozen=True, slots=True)
class Listing:
    """A non-similar mode: which marks match, in which order."""

    condition: list[Clause]
    sort: tuple[Clause, ...]

    @property
    def width(self) -> int:
        """How many values a position in this order has (the keyset cursor's width)."""
        return len(self.sort)

    def page(self, size: int, after: Sequence[str] | None) -> Body:
        body: Body = {
            "size": size,
            "query": {"bool": {"filter": self.condition}},
            "sort": list(self.sort),
            "_source": list(CANDIDATE_FIELDS),
            "track_total_hits": TOTAL_EXACT_UP_TO,
        }
        if after:
            body["search_after"] = list(after)[: self.width]
        return body

    def sample(self, size: int) -> Body:
        """The first ``size`` matches in index order, for the facets."""
        return {
            "size": size,
            "query": {"bool": {"filter": self.condition}},
            "sort": ["_doc"],
            "_source": list(FACET_FIELDS),
            "track_total_hits": False,
        }


def listing_for(mode: SearchMode, keys: MarkKeys, filters: list[Clause]) -> Listing:
    """The listing of ``exact``, ``prefix`` or ``contains`` (as ``postgres.listing_for``)."""
    compact = keys.compacts[0]
    if mode is SearchMode.EXACT:
        return Listing([{"term": {"compacts": compact}}, *filters], BY_NUMBER)
    if mode is SearchMode.PREFIX:
        return Listing([{"prefix": {"compacts": compact}}, *filters], BY_TEXT)
    if keys.cjk_unigrams:
        return Listing([*_cjk_contains(keys, compact), *filters], BY_NUMBER)
    if len(compact) < MIN_TRIGRAM_LETTERS:
        raise QueryTooShortError(
            "contains needs at least 3 letters or digits, or one Chinese/Japanese character"
        )
    return Listing([substring("compacts", compact), *filters], BY_NUMBER)


def _cjk_contains(keys: MarkKeys, compact: str) -> list[Clause]:
    """The query's most selective CJK key (its last bigram, else a character), and the whole
    text as a substring unless that key is the whole text already."""
    gram = keys.cjk_bigrams[-1] if keys.cjk_bigrams else keys.cjk_unigrams[0]
    key = {"term": {"grams": gram}}
    return [key] if gram == compact else [key, substring("compacts", compact)]
