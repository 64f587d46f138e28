"""Use cases of the trademark register API: search (cached) and one record.

A search result is cached in Redis as the exact response bytes with their ETag
(``RedisCache.representation``: a hit served from memory is not hashed again), keyed by a hash
of the normalised query and the register's ``data_as_of`` stamp: an import changes the stamp,
so stale results are never served after it, and nothing has to be deleted. A result is stored
when its query is asked for a second time within the cache's lifetime, not the first: most
searches are asked for once (``store_first_ask=False``).

The body is built as plain dicts (``documents``) and serialised once by orjson.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from common.caching import RedisCache, Representation
from common.errors import BadRequest, NotFound, ServiceUnavailable, UnprocessableContent
from common.pagination import decode_cursor, encode_cursor
from common.read_query import ReadPool
from ip_search.search import ranking
from ip_search.search.backend import (
    Candidate,
    Candidates,
    Filters,
    QueryTooShortError,
    SearchBackend,
    SearchBackendUnavailable,
    SearchMode,
    SearchQuery,
    SimilarPage,
)
from ip_search.search.query import query_keys
from ip_search.text import MarkKeys, fold, score_document
from ip_search.trademarks import repository
from ip_search.trademarks.documents import SCORE_DIGITS, Document, facets_document, hit_document
from ip_search.trademarks.freshness import Freshness
from ip_search.trademarks.schemas import SearchParams, SearchResponse, TrademarkOut
from ip_search.trademarks.views import record_out

CACHE_VERSION = "v2"
"""Part of every cache key: bump it when the same query would answer differently."""


def to_query(params: SearchParams) -> SearchQuery:
    """The normalised query: sorted, de-duplicated lists and a folded applicant."""
    if params.filed_from and params.filed_to and params.filed_from > params.filed_to:
        raise UnprocessableContent("filed_from is after filed_to")
    if not query_keys(params.q).compacts[0]:
        raise UnprocessableContent("q has no letter, digit or character to search for")
    filters = Filters(
        nice_classes=tuple(sorted(set(params.nice_class))),
        groups=tuple(sorted(set(params.group))),
        vienna=tuple(sorted(set(params.vienna))),
        vienna_match=params.vienna_match,
        statuses=tuple(sorted({s.value for s in params.status})),
        kinds=tuple(sorted({k.value for k in params.kind})),
        applicant=fold(params.applicant) or None if params.applicant else None,
        filed_from=params.filed_from,
        filed_to=params.filed_to,
    )
    return SearchQuery(params.q.strip(), params.mode, filters, params.limit, params.cursor)


def cache_key(query: SearchQuery, stamp: dt.datetime | None) -> str:
    document = orjson.dumps(
        [CACHE_VERSION, query.text, query.mode, query.filters, query.limit, query.cursor, stamp],
        default=_encode_filters,
    )
    return "tm-search:" + hashlib.sha256(document).hexdigest()


def _encode_filters(value: object) -> object:
    if isinstance(value, Filters):
        return [getattr(value, name) for name in Filters.__slots__]
    raise TypeError(type(value).__name__)


async def search(
    pool: ReadPool,
    backend: SearchBackend,
    cache: RedisCache,
    freshness: Freshness,
    params: SearchParams,
    *,
    ttl: int,
) -> Representation:
    """The response of a search, from the cache when the same query ran since the import."""
    query = to_query(params)
    stamp = await freshness.get(pool)

    async def compute() -> bytes:
        return render(await search_document(backend, query, stamp))

    # Most searches are asked for once: only a query asked for again is worth a store.
    key = cache_key(query, stamp)
    return await cache.representation(key, ttl, compute, store_first_ask=False)


def render(response: Document) -> bytes:
    """A ``SearchResponse`` document as JSON, datetimes in UTC written with ``Z`` as pydantic
    writes them."""
    return orjson.dumps(response, option=orjson.OPT_UTC_Z)


def _decode_cursor(query: SearchQuery) -> list[str] | None:
    if not query.cursor:
        return None
    values = decode_cursor(query.cursor, 3)
    mode, *after = values
    if mode != query.mode.value or not all(isinstance(v, str) for v in after):
        raise BadRequest("cursor is not valid for this query")
    return [str(v) for v in after]


async def run_search(
    backend: SearchBackend, query: SearchQuery, stamp: dt.datetime | None
) -> SearchResponse:
    """``search_document`` as the validated ``SearchResponse`` (for callers in process), read
    from the JSON it serves: a page's scores are JSON already (``orjson.Fragment``)."""
    return SearchResponse.model_validate_json(render(await search_document(backend, query, stamp)))


async def search_document(
    backend: SearchBackend, query: SearchQuery, stamp: dt.datetime | None
) -> Document:
    """Candidates from ``backend``, ranked, explained and paged the same for every backend."""
    keys = query_keys(query.text)
    after = _decode_cursor(query)
    if query.mode is SearchMode.SIMILAR:
        with _backend_errors():
            page = await _similar_page(backend, query, keys, after)
        return _similar_response(query, keys, page, stamp)
    with _backend_errors():
        found = await backend.candidates(query, after)
    return _listing_response(query, keys, found, stamp)


@contextmanager
def _backend_errors() -> Iterator[None]:
    """A backend's errors as the API's problems."""
    try:
        yield
    except QueryTooShortError as error:
        raise UnprocessableContent(str(error)) from None
    except SearchBackendUnavailable as error:
        raise ServiceUnavailable("search is unavailable; try again shortly") from error


async def _similar_page(
    backend: SearchBackend, query: SearchQuery, keys: MarkKeys, after: list[str] | None
) -> SimilarPage:
    """The page the cursor asks for: a first page from the backend if it ranks one, else
    ranked here from every candidate."""
    if after is None:
        page = await backend.similar_page(query)
        if page is not None:
            return page
    filters = query.filters
    return ranking.similar_page(
        keys,
        await backend.candidates(query, None),
        _similar_position(after),
        query.limit,
        classes=filters.nice_classes,
        groups=filters.groups,
    )


def _similar_response(
    query: SearchQuery, keys: MarkKeys, page: SimilarPage, stamp: dt.datetime | None
) -> Document:
    hits = list(page.hits)
    next_cursor = None
    if len(hits) > query.limit:
        hits = hits[: query.limit]
        last, total = hits[-1]
        next_cursor = encode_cursor([query.mode.value, f"{total:.6f}", last.application_no])
    filters = query.filters
    shown = [c for c, _ in hits]
    explained = ranking.explain_page(
        keys, shown, classes=filters.nice_classes, groups=filters.groups, digits=SCORE_DIGITS
    )
    return {
        "items": [
            hit_document(c, orjson.Fragment(score))
            for c, (_, score) in zip(shown, explained, strict=True)
        ],
        "next_cursor": next_cursor,
        "total": page.total,
        "total_is_exact": page.total_is_exact,
        "facets": facets_document(page.facets),
        "data_as_of": stamp,
    }


def _similar_position(after: list[str] | None) -> tuple[float, str] | None:
    if after is None:
        return None
    try:
        return (-round(float(after[0]), 6), after[1])
    except ValueError:
        raise BadRequest("cursor is not valid for this query") from None


def _listing_response(
    query: SearchQuery, keys: MarkKeys, found: Candidates, stamp: dt.datetime | None
) -> Document:
    classes, groups = query.filters.nice_classes, query.filters.groups
    items = list(found.items)
    next_cursor = None
    if len(items) > query.limit:
        items = items[: query.limit]
        next_cursor = encode_cursor([query.mode.value, *_pad(items[-1].sort_key)])
    return {
        "items": [_listed_hit(keys, c, classes, groups) for c in _distinct(items)],
        "next_cursor": next_cursor,
        "total": found.total,
        "total_is_exact": found.total_is_exact,
        "facets": facets_document(ranking.facets(found.matches)),
        "data_as_of": stamp,
    }


def _listed_hit(
    keys: MarkKeys, candidate: Candidate, classes: Sequence[int], groups: Sequence[str]
) -> Document:
    score = ranking.explain_candidate(keys, candidate, classes, groups)
    return hit_document(candidate, score_document(score, SCORE_DIGITS))


def _pad(sort_key: Sequence[str]) -> list[str]:
    """Cursors always hold mode and two values; a one-column keyset repeats its value."""
    return [*sort_key, sort_key[-1]] if len(sort_key) == 1 else list(sort_key)


def _distinct(candidates: list[Candidate]) -> list[Candidate]:
    """A mark two of whose texts match appears once (prefix over several forms)."""
    return list({c.application_no: c for c in reversed(candidates)}.values())[::-1]


async def get_trademark(
    session: AsyncSession, pool: ReadPool, freshness: Freshness, application_no: str
) -> TrademarkOut:
    rows = await repository.get_record(session, application_no)
    if rows is None:
        raise NotFound(f"no trademark with application number {application_no}")
    return record_out(rows, await freshness.get(pool))
