"""The SQL of an export: the marks its query matches, counted (bounded) or as file rows.

Filters and ``q`` are matched by the search's own SQL (``ip_search.search.sql`` conditions on
``t``, and the ``listing_for`` statement of the mode), so an export holds exactly the marks the
PostgreSQL search lists, through the same indexes. Rows come in application-number order: the
same query on the same register gives the same bytes, hence the same SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, column, func, select, text

from ip_search.models import trademark
from ip_search.opendata.exports.criteria import ExportQuery
from ip_search.opendata.exports.schemas import ExportFormat
from ip_search.search import sql
from ip_search.search.postgres import listing_for
from ip_search.search.query import query_keys

MARK = trademark.alias("t")  # the alias the search's filter conditions are written for
COLUMNS = (
    "application_no",
    "registration_no",
    "name",
    "words_zh",
    "words_en",
    "words_ja",
    "kind",
    "form",
    "colour",
    "status",
    "nice_classes",
    "class_codes",
    "groups",
    "vienna_codes",
    "applicant_summary",
    "filing_date",
    "registration_date",
    "publication_date",
    "term_start",
    "term_end",
    "image_urls",
)
LIST_COLUMNS = frozenset({"nice_classes", "class_codes", "groups", "vienna_codes", "image_urls"})
CSV_LIST_SEPARATOR = " "  # no code, and no valid URL, contains a space


@dataclass(frozen=True, slots=True)
class Selection:
    """The matching marks' export columns, with the bind values of the search's SQL."""

    statement: Select[Any]
    params: dict[str, Any]


def matching(query: ExportQuery) -> Selection:
    """Raises ``QueryTooShortError`` for a ``contains`` query no index can answer."""
    filters = sql.filter_statement(query.filters)
    statement = select(*(MARK.c[name] for name in COLUMNS))
    statement = statement.where(*(text(condition) for condition in filters.conditions))
    params = dict(filters.params)
    if query.text is not None and query.search_mode is not None:
        listing, listing_params = listing_for(query.search_mode, query_keys(query.text), filters)
        found = f"SELECT t.application_no {listing.from_where}"
        numbers = text(found).columns(column("application_no", Text))
        statement = statement.where(MARK.c.application_no.in_(numbers))
        params |= listing_params
    return Selection(statement, params)


def bounded_count(selection: Selection, cap: int) -> Select[Any]:
    """How many marks match, counting no further than ``cap + 1``."""
    numbers = selection.statement.with_only_columns(MARK.c.application_no).limit(cap + 1)
    return select(func.count()).select_from(numbers.subquery())


def file_rows(selection: Selection, file_format: ExportFormat, cap: int) -> Select[Any]:
    """One row per mark as the file has it: CSV cells, or one JSON object."""
    rows = selection.statement.order_by(MARK.c.application_no).limit(cap).subquery("r")
    if file_format is ExportFormat.JSONL:
        return select(func.row_to_json(rows.table_valued())).order_by(rows.c.application_no)
    cells = [_csv_cell(rows.c[name]) for name in COLUMNS]
    return select(*cells).order_by(rows.c.application_no)


def _csv_cell(value: ColumnElement[Any]) -> ColumnElement[Any]:
    if value.key not in LIST_COLUMNS:
        return value
    return func.array_to_string(value, CSV_LIST_SEPARATOR).label(value.key)
