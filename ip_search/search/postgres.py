"""The PostgreSQL search backend: index-backed candidates from pg_trgm and key tables.

``similar`` unions capped sources — exact folded text, shared CJK characters/bigrams and Latin
words, shared sound keys — in one round trip, reading key postings alone for the class filter;
trigram word similarity (Latin part of three letters or more) follows only when those found
few marks. The other modes are keyset listings over ``mark_text``/``mark_gram``. A broad
listing's total is the planner's row estimate (``total_is_exact`` false) instead of a count that
would read every match.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from itertools import chain
from typing import Any

import orjson
from asyncpg import Record
from sqlalchemy import text

from common.driver import DriverPool, DriverStatement
from ip_search.importing.rows import latin_words, sound_keys
from ip_search.search import sql
from ip_search.search.backend import (
    Candidate,
    Candidates,
    FacetRow,
    Filters,
    QueryTooShortError,
    SearchMode,
    SearchQuery,
    SimilarPage,
    candidate_of,
)
from ip_search.search.query import query_keys
from ip_search.text import MarkKeys
from ip_search.text.scripts import Script, runs

SOURCE_CAP = 50
"""Most marks one candidate source contributes to a similar search."""
KEY_POSTINGS = 100
"""Most postings one query key contributes to its source (shortest marks first).

Reading postings is most of the candidate statement's PostgreSQL time. On the 1,000,016-mark
benchmark register, 100 instead of 200 cut PostgreSQL CPU per cold similar search by 10-20 %;
recall@10 of the labelled relevance set stayed 16 of 17, and 98 % of 2,000 benchmark queries
kept the same first ten hits (their summed scores fell 0.2 %). At 50 the CPU fell further but
the first ten of 7 % of the queries changed."""
FEW_CANDIDATES = 10
"""Below this many key-table candidates, trigram similarity looks for misspellings too (its
cost grows with how common the query's trigrams are; with ten key candidates or more, its
extra candidates did not change the first ten hits of the benchmark's queries)."""
SAMPLE_SIZE = 300
"""Matches a listing reads for its facets and exact total; beyond it the total is estimated."""
MIN_TRIGRAM_LETTERS = 3


def latin_part(keys: MarkKeys) -> str:
    return "".join(run for script, run in runs(keys.forms[0]) if script is Script.LATIN)


def _listed(row: Record, *, packed: bool) -> Candidate:
    """A listed row (``sql.Listing``): the facts, the date, the keys (JSON text, or
    ``packed`` from the card), then the keyset's values."""
    keys = row[9] if packed else orjson.loads(row[9])
    return candidate_of(row[:8], row[8], keys, (), tuple(str(value) for value in row[10:]))


def _card(row: Record) -> Candidate:
    """A row of ``sql.CARD_COLUMNS`` and its sources: the keys come packed, as they are kept."""
    return candidate_of(row[:8], row[8], row[9], tuple(row[10]))


@lru_cache(maxsize=512)
def _statement(sql_text: str) -> DriverStatement:
    """``sql_text`` compiled to asyncpg's form once per shape (a few dozen of them)."""
    return DriverStatement(text(sql_text))


@lru_cache(maxsize=256)
def _candidates_statement(sources: tuple[str, ...]) -> str:
    return sql.candidates_statement(list(sources))


class PostgresSearchBackend:
    """``SearchBackend`` over the ip_search schema, on a read-only driver pool (the app's
    ``common.read_query.ReadPool``)."""

    def __init__(self, pool: DriverPool) -> None:
        self.pool = pool

    async def _fetch(self, statement: str, params: Mapping[str, Any]) -> list[Record]:
        """Rows of ``statement`` straight from the driver: a search reads plain values, and the
        ORM session's connection handling and results cost more CPU than PostgreSQL spends on
        the statement (asyncpg keeps it prepared per connection)."""
        return await _statement(statement).fetch_all(await self.pool.get(), **params)

    async def candidates(self, query: SearchQuery, after: Sequence[str] | None) -> Candidates:
        keys = query_keys(query.text)
        if query.mode is SearchMode.SIMILAR:
            return await self._similar(query, keys)
        return await self._listing(query, keys, after)

    async def similar_page(self, query: SearchQuery) -> SimilarPage | None:
        """None: the caller ranks every candidate."""
        return None

    async def _similar(self, query: SearchQuery, keys: MarkKeys) -> Candidates:
        """Key-table sources first (exact lookups, cheap for any query); trigram similarity,
        whose cost grows with how common the query's trigrams are, only for rare queries."""
        sources, params = similar_sources(keys, query.filters)
        items = await self._union(sources, params)
        if len(items) < FEW_CANDIDATES and (trigram := trigram_source(keys, query.filters)):
            seen = {item.application_no for item in items}
            more = await self._union(*trigram)
            items += [item for item in more if item.application_no not in seen]
        return similar_candidates(items)

    async def _union(self, sources: list[str], params: dict[str, Any]) -> list[Candidate]:
        if not sources:
            return []
        rows = await self._fetch(_candidates_statement(tuple(sources)), params)
        return [_card(row) for row in rows]

    async def _listing(
        self, query: SearchQuery, keys: MarkKeys, after: Sequence[str] | None
    ) -> Candidates:
        filters = sql.filter_statement(query.filters)
        listing, params = listing_for(query.mode, keys, filters)
        params = {**params, **filters.params, "sample_size": SAMPLE_SIZE + 1}
        page_size = query.limit + 1
        if not after and listing.scan is None:
            rows = await self._fetch(listing.first_page(), {**params, "page_size": page_size})
            items = [_listed(row, packed=listing.packed) for row in rows[:page_size]]
            matches = [FacetRow(tuple(r[5]), r[3], r[4]) for r in rows]
            return await self._counted(listing, params, items, matches, partial=False)
        page_params = {**params, "page_size": page_size}
        if after:
            values = list(after)[: len(listing.keyset)]
            page_params.update({f"after_{i}": value for i, value in enumerate(values)})
        rows = await self._fetch(listing.page(bool(after)), page_params)
        items = [_listed(row, packed=listing.packed) for row in rows]
        sampled = await self._fetch(listing.sample(), params)
        # A contains sample ends in an all-NULL row when it read only part of the matches.
        partial = bool(sampled) and sampled[-1][0] is None
        matches = [FacetRow(tuple(r[0]), r[1], r[2]) for r in sampled if r[0] is not None]
        return await self._counted(listing, params, items, matches, partial=partial)

    async def _counted(
        self,
        listing: sql.Listing,
        params: dict[str, Any],
        items: list[Candidate],
        matches: list[FacetRow],
        *,
        partial: bool,
    ) -> Candidates:
        """A listing's page with its sample's facets, and the total: exact when the sample
        held every match, else estimated."""
        if len(matches) <= SAMPLE_SIZE and not partial:
            return Candidates(items, matches, total=len(matches), total_is_exact=True)
        estimate = await self._estimate(listing, params)
        return Candidates(
            items, matches[:SAMPLE_SIZE], total=max(estimate, len(matches)), total_is_exact=False
        )

    async def _estimate(self, listing: sql.Listing, params: dict[str, Any]) -> int:
        plan = (await self._fetch(listing.explain(), params))[0][0]
        document = orjson.loads(plan) if isinstance(plan, str | bytes) else plan
        return int(document[0]["Plan"]["Plan Rows"])


def similar_candidates(items: list[Candidate]) -> Candidates:
    """A similar search's candidates, its total exact unless a source was cut at its cap."""
    capped = source_capped(item.sources for item in items)
    return Candidates(items=items, matches=(), total=len(items), total_is_exact=not capped)


def source_capped(sources: Iterable[Sequence[str]]) -> bool:
    """Whether a source was cut at its cap, given the sources of each candidate (a source
    that found a mark twice named twice): the total of the search is then a lower bound."""
    counts = Counter(chain.from_iterable(sources))
    return any(count >= SOURCE_CAP for count in counts.values())


@dataclass(frozen=True, slots=True)
class SimilarKeys:
    """What each candidate source of a similar search looks up."""

    compacts: list[str]
    """Exact texts (``exact``)."""
    grams: list[str]
    """CJK bigrams (characters when the query has one), Latin words (``gram``)."""
    sounds: list[str]
    """Pinyin, syllable grams, metaphone (``sound``)."""

    @classmethod
    def of(cls, keys: MarkKeys) -> SimilarKeys:
        return cls(
            compacts=[c for c in keys.compacts if c],
            grams=[*(keys.cjk_bigrams or keys.cjk_unigrams), *latin_words(keys)],
            sounds=sound_keys(keys),
        )


def similar_sources(keys: MarkKeys, filters: Filters) -> tuple[list[str], dict[str, Any]]:
    """The candidate sources a query can use, and their parameters (filters' included).

    Filtered by classes at most, the statement has one best plan for any keys and classes (a
    few index ranges, every class common): its values are ``sql.bound`` at run time, so each
    connection reuses the generic plan instead of planning most class-filtered searches again.
    Other filters stay visible to the planner: a rare Vienna code or applicant has a plan of
    its own.
    """
    # Texts and key postings hold the mark's classes: only the other filters need its row.
    beyond_classes = sql.filter_statement(replace(filters, nice_classes=()))
    at_run_time = not beyond_classes.conditions
    on_mark = sql.filter_statement(filters)
    classes = bool(filters.nice_classes)
    key_source = partial(
        sql.key_source, filters=beyond_classes, classes=classes, at_run_time=at_run_time
    )
    wanted = SimilarKeys.of(keys)
    sources: list[str] = []
    params: dict[str, Any] = {"cap": SOURCE_CAP, "per_key": KEY_POSTINGS, **on_mark.params}
    if wanted.compacts:
        sources.append(sql.exact_source(beyond_classes, classes=classes, at_run_time=at_run_time))
        params["compacts"] = wanted.compacts
    if wanted.grams:
        sources.append(key_source("gram", "mark_gram", "gram"))
        params["gram_keys"] = wanted.grams
    if wanted.sounds:
        sources.append(key_source("sound", "mark_sound", "key"))
        params["sound_keys"] = wanted.sounds
    return sources, params


def trigram_text(keys: MarkKeys) -> str | None:
    """What the trigram source compares marks with: the query's Latin part, if of 3+."""
    latin = latin_part(keys)
    return latin if len(latin) >= MIN_TRIGRAM_LETTERS else None


def trigram_source(keys: MarkKeys, filters: Filters) -> tuple[list[str], dict[str, Any]] | None:
    """Similar wording by trigram word similarity (misspellings), for a Latin part of 3+."""
    latin = trigram_text(keys)
    if latin is None:
        return None
    # Texts hold the mark's classes: only the other filters need its row.
    beyond_classes = sql.filter_statement(replace(filters, nice_classes=()))
    source = sql.words_source(beyond_classes, classes=bool(filters.nice_classes))
    on_mark = sql.filter_statement(filters)
    return [source], {"latin": latin, "cap": SOURCE_CAP, **on_mark.params}


def listing_for(
    mode: SearchMode, keys: MarkKeys, filters: sql.Statement
) -> tuple[sql.Listing, dict[str, Any]]:
    compact = keys.compacts[0]
    if mode is SearchMode.EXACT:
        return sql.exact_listing(filters), {"compact": compact}
    if mode is SearchMode.PREFIX:
        low, high = sql.prefix_range(compact)
        params = {"low": low, "high": high, "pattern": f"{sql.like_escape(compact)}%"}
        return sql.prefix_listing(filters, bounded=high is not None), params
    pattern = f"%{sql.like_escape(compact)}%"
    if keys.cjk_unigrams:
        # A bigram is far more selective than a single character; take the last (names vary
        # more towards their end than their start, which brand prefixes share).
        gram = keys.cjk_bigrams[-1] if keys.cjk_bigrams else keys.cjk_unigrams[0]
        listing = sql.cjk_contains_listing(filters, recheck=gram != compact)
        return listing, {"gram": gram, "pattern": pattern}
    if len(compact) < MIN_TRIGRAM_LETTERS:
        raise QueryTooShortError(
            "contains needs at least 3 letters or digits, or one Chinese/Japanese character"
        )
    return sql.latin_contains_listing(filters), {"pattern": pattern}
