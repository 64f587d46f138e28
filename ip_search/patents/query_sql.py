"""Compile a parsed patent query into a SQLAlchemy Core condition on ``ip_search.patent``.

Every user value reaches PostgreSQL as a bound parameter of a tsquery function
(``plainto_tsquery``, ``phraseto_tsquery``, ``to_tsquery`` of a ``quote_literal``-ed prefix) or
of an array/date comparison; no SQL text is built from the query. Text fields match their
generated tsvector columns (GIN), IPC codes and numbers their key arrays (GIN), dates their
btree columns. The positive text terms are also collected per column for the highlights.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from sqlalchemy import ColumnElement, and_, cast, false, func, literal, not_, or_
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY

from ip_search.models import patent
from ip_search.patents.cjk import cjk_runs, non_cjk_text, query_grams
from ip_search.patents.query_language import (
    And,
    CodeTerm,
    DateTerm,
    Field,
    Node,
    Not,
    Or,
    TextTerm,
)

__all__ = ["HIGHLIGHTED", "Compiled", "compile_query"]

Tsquery = ColumnElement[Any]
SIMPLE = cast(literal("simple"), REGCONFIG)
HIGHLIGHTED = ("title", "abstract", "claims")
_COLUMNS = {
    Field.ALL: ("title", "abstract", "claims"),
    Field.TI: ("title",),
    Field.AB: ("abstract",),
    Field.CL: ("claims",),
    Field.PA: ("applicants",),
    Field.IN: ("inventors",),
}
_CODE_COLUMNS = {Field.PN: patent.c.pn_keys, Field.AN: patent.c.an_keys}
_DATE_COLUMNS = {Field.AD: patent.c.application_date, Field.PD: patent.c.publication_date}


@dataclass
class Compiled:
    """The WHERE condition, and per highlighted column what to mark in its snippet."""

    where: ColumnElement[bool]
    tsqueries: dict[str, list[Tsquery]] = field(default_factory=lambda: defaultdict(list))
    cjk: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def searched(self, column: str) -> bool:
        return bool(self.tsqueries.get(column) or self.cjk.get(column))

    def headline_query(self, column: str) -> Tsquery | None:
        queries = self.tsqueries.get(column)
        return reduce(lambda a, b: a.op("||", return_type=TSQUERY)(b), queries) if queries else None


def compile_query(node: Node) -> Compiled:
    compiled = Compiled(where=false())
    compiled.where = _compile(node, compiled, negated=False)
    return compiled


def _compile(node: Node, compiled: Compiled, *, negated: bool) -> ColumnElement[bool]:
    if isinstance(node, And):
        return and_(*(_compile(item, compiled, negated=negated) for item in node.operands))
    if isinstance(node, Or):
        return or_(*(_compile(item, compiled, negated=negated) for item in node.operands))
    if isinstance(node, Not):
        return not_(_compile(node.operand, compiled, negated=not negated))
    if isinstance(node, TextTerm):
        return _text(node, compiled, negated=negated)
    if isinstance(node, CodeTerm):
        return _code(node)
    return _date(node)


def _text(term: TextTerm, compiled: Compiled, *, negated: bool) -> ColumnElement[bool]:
    query = _tsquery(term)
    columns = _COLUMNS[term.field]
    if not negated:
        for column in columns:
            if column in HIGHLIGHTED:
                compiled.tsqueries[column].append(query)
                compiled.cjk[column].extend(cjk_runs(term.text))
    matches = [patent.c[f"{column}_tsv"].bool_op("@@")(query) for column in columns]
    return matches[0] if len(matches) == 1 else or_(*matches)


def _tsquery(term: TextTerm) -> Tsquery:
    parts = [_latin_query(term)] if re.search(r"\w", non_cjk_text(term.text)) else []
    parts.extend(_cjk_query(run) for run in cjk_runs(term.text))
    return reduce(lambda a, b: a.op("&&", return_type=TSQUERY)(b), parts)


def _latin_query(term: TextTerm) -> Tsquery:
    latin = non_cjk_text(term.text)
    if term.phrase:
        return func.phraseto_tsquery(SIMPLE, latin, type_=TSQUERY)
    if not term.prefix:
        return func.plainto_tsquery(SIMPLE, latin, type_=TSQUERY)
    # Only \w characters reach quote_literal, so the quoted lexeme cannot break to_tsquery.
    *words, last = re.findall(r"\w+", latin)
    prefix = _prefix_query(last)
    if not words:
        return prefix
    leading = func.plainto_tsquery(SIMPLE, " ".join(words), type_=TSQUERY)
    return leading.op("&&", return_type=TSQUERY)(prefix)


def _prefix_query(word: str) -> Tsquery:
    return func.to_tsquery(SIMPLE, func.quote_literal(word).concat(":*"), type_=TSQUERY)


def _cjk_query(run: str) -> Tsquery:
    grams = query_grams(run)
    if len(grams) == 1:  # one character: a prefix of the stored bigrams
        return _prefix_query(grams)
    return func.phraseto_tsquery(SIMPLE, grams, type_=TSQUERY)


def _code(term: CodeTerm) -> ColumnElement[bool]:
    if term.field is Field.IC:
        column = patent.c.ipc_prefixes if term.prefix else patent.c.ipc
        return column.contains([term.code])
    return _CODE_COLUMNS[term.field].contains([term.code])


def _date(term: DateTerm) -> ColumnElement[bool]:
    column = _DATE_COLUMNS[term.field]
    conditions = []
    if term.start is not None:
        conditions.append(column >= term.start)
    if term.end is not None:
        conditions.append(column <= term.end)
    return and_(*conditions) if conditions else column.is_not(None)
