"""Every query of the patent knowledge search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, Select, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import keyset_page
from ip_search.models import patent
from ip_search.patents.highlight import HEADLINE_OPTIONS
from ip_search.patents.query_sql import HIGHLIGHTED, SIMPLE, Compiled

__all__ = [
    "ORDER",
    "count_capped",
    "count_statement",
    "find",
    "page_statement",
    "search_page",
]

ORDER = (patent.c.publication_date, patent.c.id)
SUMMARY = (
    patent.c.id,
    patent.c.office,
    patent.c.publication_no,
    patent.c.kind,
    patent.c.publication_date,
    patent.c.application_no,
    patent.c.application_date,
    patent.c.title,
    patent.c.ipc,
    patent.c.applicants,
    patent.c.language,
)


def _where(compiled: Compiled, offices: Sequence[str]) -> list[ColumnElement[bool]]:
    conditions = [compiled.where]
    if offices:
        conditions.append(patent.c.office.in_(offices))
    return conditions


def _snippet(compiled: Compiled, column: str) -> ColumnElement[Any]:
    text = patent.c[column]
    query = compiled.headline_query(column)
    if query is None:  # nothing to mark by PostgreSQL: the text's start is the snippet
        return func.left(text, 1000)
    return func.ts_headline(SIMPLE, text, query, literal(HEADLINE_OPTIONS))


def page_statement(
    compiled: Compiled, offices: Sequence[str], cursor: str | None, limit: int
) -> Select[Any]:
    """One page (plus one row), newest first; snippets only for that page's rows."""
    ids = select(patent.c.id, patent.c.publication_date).where(*_where(compiled, offices))
    page = keyset_page(ids, list(ORDER), cursor=cursor, limit=limit, descending=True).subquery()
    snippets = [
        _snippet(compiled, column).label(f"{column}_snippet")
        for column in HIGHLIGHTED
        if column != "claims" or compiled.searched(column)
    ]
    return (
        select(*SUMMARY, *snippets)
        .join_from(patent, page, patent.c.id == page.c.id)
        .order_by(patent.c.publication_date.desc(), patent.c.id.desc())
    )


async def search_page(
    session: AsyncSession,
    compiled: Compiled,
    offices: Sequence[str],
    cursor: str | None,
    limit: int,
) -> Sequence[RowMapping]:
    statement = page_statement(compiled, offices, cursor, limit)
    rows: Sequence[RowMapping] = (await session.execute(statement)).mappings().all()
    return rows


def count_statement(compiled: Compiled, offices: Sequence[str], cap: int) -> Select[Any]:
    matches = select(literal(1)).where(*_where(compiled, offices)).limit(cap + 1).subquery()
    return select(func.count()).select_from(matches)


async def count_capped(
    session: AsyncSession, compiled: Compiled, offices: Sequence[str], cap: int
) -> int:
    """How many match, counting no further than ``cap`` + 1."""
    statement = count_statement(compiled, offices, cap)
    count: int = (await session.execute(statement)).scalar_one()
    return count


async def find(session: AsyncSession, office: str, publication_no: str) -> RowMapping | None:
    statement = select(patent).where(
        patent.c.office == office, patent.c.publication_no == publication_no
    )
    return (await session.execute(statement)).mappings().first()
