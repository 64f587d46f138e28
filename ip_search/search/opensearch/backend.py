"""``SearchBackend`` over an OpenSearch index: the bodies of ``queries`` sent as one ``_msearch``.

The hits' ``_source`` carries everything a ``Candidate`` needs (stored match keys included), so
a search never touches PostgreSQL. A similar search is two round trips (every source's searches,
then the documents of the marks the key sources chose; a third only when they find few marks); a
listing is one (its page and its facet sample together).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from opensearchpy import AsyncOpenSearch, TransportError

from ip_search.search.backend import (
    Candidate,
    Candidates,
    FacetRow,
    SearchBackendUnavailable,
    SearchMode,
    SearchQuery,
    SimilarPage,
)
from ip_search.search.opensearch import queries
from ip_search.search.postgres import FEW_CANDIDATES, SAMPLE_SIZE, SOURCE_CAP
from ip_search.search.query import query_keys
from ip_search.text import MarkKeys

Hit = Mapping[str, Any]


class SearchIndexMissing(RuntimeError):
    """The alias names no index: the index was never built (``moea ip-search reindex``)."""


def candidate(hit: Hit, sources: Sequence[str] = (), *, listed: bool = False) -> Candidate:
    """The candidate of a hit; ``listed``: a listing's hit, whose sort values are its position."""
    source = hit["_source"]
    filed = source.get("filing_date")
    return Candidate(
        application_no=source["application_no"],
        registration_no=source.get("registration_no"),
        name=source["name"],
        status=source["status"],
        kind=source["kind"],
        nice_classes=tuple(source["nice_classes"]),
        class_codes=tuple(source["class_codes"]),
        groups=tuple(source["groups"]),
        filing_date=dt.date.fromisoformat(filed) if filed else None,
        keys=source["match_keys"],
        sources=tuple(sources),
        sort_key=tuple(str(value) for value in hit["sort"]) if listed else (),
    )


def facet_row(hit: Hit) -> FacetRow:
    source = hit["_source"]
    return FacetRow(tuple(source["nice_classes"]), source["status"], source["kind"])


def merge_sources(found: Sequence[tuple[str, Sequence[Hit]]]) -> list[Candidate]:
    """One candidate per mark, with every source that found it (in the order given)."""
    hits: dict[str, Hit] = {}
    labels: dict[str, list[str]] = {}
    for label, source_hits in found:
        for hit in source_hits:
            number = hit["_id"]
            hits.setdefault(number, hit)
            labels.setdefault(number, []).append(label)
    return [candidate(hit, labels[number]) for number, hit in hits.items()]


def _raise_for_item(response: Mapping[str, Any]) -> None:
    """An ``_msearch`` item failed: a missing index or a sick cluster is an outage; anything
    else is a request this code built wrongly."""
    status = response.get("status", 500)
    if status == 404 or status >= 500:
        raise SearchBackendUnavailable(f"OpenSearch answered {status}")
    raise RuntimeError(f"OpenSearch refused a search: {response['error']}")


class OpenSearchSearchBackend:
    """``SearchBackend`` on the index behind ``alias``; one instance serves every request."""

    def __init__(self, client: AsyncOpenSearch, alias: str) -> None:
        self.client = client
        self.alias = alias

    async def candidates(self, query: SearchQuery, after: Sequence[str] | None) -> Candidates:
        keys = query_keys(query.text)
        filters = queries.filter_clauses(query.filters)
        if query.mode is SearchMode.SIMILAR:
            return await self._similar(keys, filters)
        listing = queries.listing_for(query.mode, keys, filters)
        return await self._listing(listing, query.limit, after)

    async def similar_page(self, query: SearchQuery) -> SimilarPage | None:
        """None: the caller ranks every candidate."""
        return None

    async def ready(self) -> None:
        """Readiness probe: the cluster answers and the alias names an index."""
        if not await self.client.indices.exists_alias(name=self.alias):
            raise SearchIndexMissing(self.alias)

    async def _similar(self, keys: MarkKeys, filters: list[queries.Clause]) -> Candidates:
        found = await self._sources(queries.similar_searches(keys, filters))
        items = merge_sources(found)
        if len(items) < FEW_CANDIDATES and (words := queries.words_search(keys, filters)):
            seen = {item.application_no for item in items}
            (response,) = await self._msearch([words])
            more = [hit for hit in response["hits"]["hits"] if hit["_id"] not in seen]
            found.append(("words", more))
            items += merge_sources([("words", more)])
        capped = any(len(hits) >= SOURCE_CAP for _, hits in found)
        return Candidates(items=items, matches=(), total=len(items), total_is_exact=not capped)

    async def _sources(self, sources: list[queries.Source]) -> list[tuple[str, list[Hit]]]:
        """Every source's searches in one ``_msearch``; then the documents of the marks the
        key sources ranked, in a second one (their searches read sort values only)."""
        responses = iter(await self._msearch([body for s in sources for body in s.bodies]))
        direct: dict[str, list[Hit]] = {}
        ranked: dict[str, list[str]] = {}
        for source in sources:
            answers = [next(responses)["hits"]["hits"] for _ in source.bodies]
            if source.per_key:
                ranked[source.label] = queries.rarity_ranked(answers)
            else:
                direct[source.label] = answers[0]
        documents = {hit["_id"]: hit for hits in direct.values() for hit in hits}
        wanted = list(dict.fromkeys(n for ns in ranked.values() for n in ns if n not in documents))
        if wanted:
            (response,) = await self._msearch([queries.documents_search(wanted)])
            documents.update((hit["_id"], hit) for hit in response["hits"]["hits"])
        # A mark deleted between the two round trips is dropped, not invented.
        found = {
            label: [documents[n] for n in ns if n in documents] for label, ns in ranked.items()
        }
        return [(s.label, direct.get(s.label) or found.get(s.label, [])) for s in sources]

    async def _listing(
        self, listing: queries.Listing, limit: int, after: Sequence[str] | None
    ) -> Candidates:
        page, sample = await self._msearch(
            [listing.page(limit + 1, after), listing.sample(SAMPLE_SIZE + 1)]
        )
        items = [candidate(hit, listed=True) for hit in page["hits"]["hits"]]
        matches = [facet_row(hit) for hit in sample["hits"]["hits"]]
        if len(matches) <= SAMPLE_SIZE:
            return Candidates(items, matches, total=len(matches), total_is_exact=True)
        total = page["hits"]["total"]
        return Candidates(
            items,
            matches[:SAMPLE_SIZE],
            total=max(total["value"], len(matches)),
            total_is_exact=total["relation"] == "eq",
        )

    async def _msearch(self, bodies: list[queries.Body]) -> list[Mapping[str, Any]]:
        if not bodies:
            return []
        lines: list[queries.Body] = []
        for body in bodies:
            lines += [{}, body]
        try:
            answer = await self.client.msearch(body=lines, index=self.alias)
        except TransportError as error:
            raise SearchBackendUnavailable(f"OpenSearch: {type(error).__name__}") from error
        responses: list[Mapping[str, Any]] = answer["responses"]
        for response in responses:
            if "error" in response:
                _raise_for_item(response)
        return responses
