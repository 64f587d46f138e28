"""Use cases of the patent knowledge search: search with the query language, one document."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import FieldProblem, NotFound, UnprocessableContent
from common.pagination import encode_cursor
from ip_search.patents import repository
from ip_search.patents.highlight import render
from ip_search.patents.query_language import QuerySyntaxError, parse
from ip_search.patents.query_sql import Compiled, compile_query
from ip_search.patents.schemas import Highlights, PatentHit, PatentOut, PatentSearchResponse

__all__ = ["EXACT_TOTAL_CAP", "get_patent", "search"]

EXACT_TOTAL_CAP = 10_000
CLAIM_SEPARATOR = "\n\n"


def compile_or_422(q: str) -> Compiled:
    try:
        return compile_query(parse(q))
    except QuerySyntaxError as exc:
        excerpt = q[max(0, exc.position - 20) : exc.position + 20]
        raise UnprocessableContent(
            f"q: {exc.message} at position {exc.position} (near {excerpt!r})",
            errors=[
                FieldProblem(loc=["query", "q", exc.position], msg=exc.message, type="query_syntax")
            ],
        ) from None


async def search(
    session: AsyncSession, q: str, offices: Sequence[str], limit: int, cursor: str | None
) -> PatentSearchResponse:
    compiled = compile_or_422(q)
    rows = await repository.search_page(session, compiled, offices, cursor, limit)
    kept = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = kept[-1]
        next_cursor = encode_cursor([last["publication_date"].isoformat(), last["id"]])
    total = await repository.count_capped(session, compiled, offices, EXACT_TOTAL_CAP)
    return PatentSearchResponse(
        items=[_hit(row, compiled) for row in kept],
        next_cursor=next_cursor,
        total=min(total, EXACT_TOTAL_CAP),
        total_is_exact=total <= EXACT_TOTAL_CAP,
    )


def _hit(mapping: RowMapping, compiled: Compiled) -> PatentHit:
    claims = mapping.get("claims_snippet")
    highlights = Highlights(
        title=render(mapping["title_snippet"], compiled.cjk.get("title", [])),
        abstract=render(mapping["abstract_snippet"], compiled.cjk.get("abstract", [])),
        claims=render(claims, compiled.cjk.get("claims", [])) if claims is not None else None,
    )
    return PatentHit.model_validate({**mapping, "highlights": highlights})


async def get_patent(session: AsyncSession, office: str, publication_no: str) -> PatentOut:
    row = await repository.find(session, office, publication_no.strip().upper())
    if row is None:
        raise NotFound(f"no {office} patent document {publication_no}")
    claims = row["claims"].split(CLAIM_SEPARATOR) if row["claims"] else []
    return PatentOut.model_validate({**row, "claims": claims})
