"""SQL text of the PostgreSQL search backend: candidate sources, filters, listings.

Every statement is driven by an index: ``mark_text`` btree on ``(compact, application_no)
INCLUDE (nice_classes)`` (exact, prefix, keyset order), GIN pg_trgm on ``mark_text.compact``
(similar wording through word similarity ``<%``, Latin ``contains``), the posting indexes
``(key, mark_length, application_no) INCLUDE (nice_classes)`` of ``mark_gram`` (CJK characters
and bigrams, Latin words) and ``mark_sound`` (pinyin, syllable grams, metaphone) read without
touching a table, and GIN on the array columns of ``trademark`` for class, group and Vienna
filters. Every source is capped, and so is every key within a source, so a common query never
ranks more than a few hundred marks; each is then read from its narrow card (``mark_card``).

Statements are assembled from this module's constant identifiers and fixed fragments; every
value a user gives is a bind parameter (hence the S608 suppressions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ip_search.search.backend import Filters, ViennaMatch

S = "ip_search"
# In this order, then the sources (similar) or the keyset columns (listings): read by position.
MARK_COLUMNS = (
    "t.application_no, t.registration_no, t.name, t.status, t.kind, t.nice_classes, "
    "t.class_codes, t.groups, t.filing_date"
)
MARK_KEYS = "t.match_keys::text"
"""A mark's keys as JSON text (``ip_search.text.MarkKeys``)."""
JOIN_MARK = "JOIN {s}.trademark t ON t.application_no = {alias}.application_no"
# The mark of each listed row by a primary-key lookup: a listing reads at most a page or a
# sample, but the planner cannot know it and otherwise hashes the whole trademark table when
# many rows match (a common substring in ``contains``).
MARK_OF = (
    "CROSS JOIN LATERAL (SELECT * FROM {s}.trademark tm "
    "WHERE tm.application_no = {alias}.application_no LIMIT 1) t"
)
# A mark by its card (``mark_card``): ``MARK_COLUMNS`` and the keys in a row a third as wide
# as the mark's, the keys packed (``ip_search.text.packed_keys``).
CARD_KEYS = "t.scoring_keys"
CARD_COLUMNS = f"{MARK_COLUMNS}, {CARD_KEYS} AS match_keys"
CARD_OF = (
    "CROSS JOIN LATERAL (SELECT * FROM {s}.mark_card mc "
    "WHERE mc.application_no = {alias}.application_no LIMIT 1) t"
)
MARK_ONLY_FILTERS = frozenset({"f_vienna", "f_applicant"})
"""``filter_statement``'s parameters whose conditions read a column the card lacks
(``vienna_codes``, ``applicant_key``)."""


def reads_cards(filters: Statement) -> bool:
    """Whether a listing can read each listed mark from its card (``CARD_OF``) instead of its
    row (``MARK_OF``): a card holds every column a listing returns and every filter but
    ``MARK_ONLY_FILTERS`` reads, in a row a third as wide. An exact search of a common name
    reads 300 marks for its facet sample: from cards, its statement took 1.4-1.5 instead of
    2.2-3.6 ms on the 1,000,016-mark benchmark register."""
    return MARK_ONLY_FILTERS.isdisjoint(filters.params)


def mark_of(alias: str, filters: Statement) -> str:
    """The lateral join reading ``alias``'s mark as ``t``, from its card when it can."""
    return (CARD_OF if reads_cards(filters) else MARK_OF).format(s=S, alias=alias)


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_SURROGATES = range(0xD800, 0xE000)


def prefix_range(prefix: str) -> tuple[str, str | None]:
    """The strings starting with ``prefix`` as a range ``[low, high)`` in code-point order
    (``high`` None: no upper bound), which is ``mark_text.compact``'s order (collation "C").

    A range, not ``LIKE 'ab%'``: the planner derives the index range from a ``LIKE`` pattern
    only when it sees the value, so the generic plan of the prepared statement, which it picks
    after five executions, scanned the index from one end for every prefix.
    """
    stem = prefix.rstrip(chr(0x10FFFF))
    if not stem:
        return prefix, None
    following = ord(stem[-1]) + 1
    if following in _SURROGATES:
        following = _SURROGATES.stop
    return prefix, stem[:-1] + chr(following)


@dataclass(slots=True)
class Statement:
    """SQL text with its bind parameters, built up piece by piece."""

    conditions: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def where(self, condition: str, **params: Any) -> None:
        self.conditions.append(condition)
        self.params.update(params)

    @property
    def and_conditions(self) -> str:
        return "".join(f" AND {c}" for c in self.conditions)


def bound(name: str, sql_type: str, *, at_run_time: bool) -> str:
    """The bind parameter ``name`` as ``sql_type``; ``at_run_time``: as an InitPlan's output,
    a value the planner never sees.

    For a statement whose best plan is the same for any values (see
    ``ip_search.search.postgres.similar_sources``). PostgreSQL plans a prepared statement with
    its values five times, then keeps its generic plan only if that costs less than their
    average. The plans that saw a class-filtered search's values mostly looked cheaper, so on
    about a third of the connections every later search was planned again (0.3-0.4 ms each).
    Unseen values cost the same in both plans: from the sixth run the generic plan is reused.
    """
    value = f"CAST(:{name} AS {sql_type})"
    return f"CAST((SELECT {value}) AS {sql_type})" if at_run_time else value


def filter_statement(filters: Filters) -> Statement:
    """Conditions on ``t`` (the trademark row) for the active filters."""
    statement = Statement()
    if filters.nice_classes:
        statement.where("t.nice_classes && :f_classes", f_classes=list(filters.nice_classes))
    if filters.groups:
        statement.where("t.groups && :f_groups", f_groups=list(filters.groups))
    if filters.vienna:
        operator = "@>" if filters.vienna_match is ViennaMatch.ALL else "&&"
        statement.where(f"t.vienna_codes {operator} :f_vienna", f_vienna=list(filters.vienna))
    if filters.statuses:
        statement.where("t.status = ANY(:f_statuses)", f_statuses=list(filters.statuses))
    if filters.kinds:
        statement.where("t.kind = ANY(:f_kinds)", f_kinds=list(filters.kinds))
    if filters.applicant:
        pattern = f"%{like_escape(filters.applicant)}%"
        statement.where("t.applicant_key LIKE :f_applicant", f_applicant=pattern)
    if filters.filed_from:
        statement.where("t.filing_date >= :f_from", f_from=filters.filed_from)
    if filters.filed_to:
        statement.where("t.filing_date <= :f_to", f_to=filters.filed_to)
    return statement


def _join(alias: str, filters: Statement) -> str:
    return JOIN_MARK.format(s=S, alias=alias) if filters.conditions else ""


def class_condition(alias: str, *, classes: bool, at_run_time: bool) -> str:
    """The Nice-class filter ``:f_classes`` checked on ``alias``'s own ``nice_classes`` (a
    search key row holds its mark's classes), or nothing without ``classes``."""
    if not classes:
        return ""
    return (
        f" AND {alias}.nice_classes && {bound('f_classes', 'smallint[]', at_run_time=at_run_time)}"
    )


def exact_source(filters: Statement, *, classes: bool, at_run_time: bool) -> str:
    """Marks whose text equals one of the query's. With ``classes`` the Nice-class filter is
    checked on the text row, in the compact index: a common name repeats hundreds of times and
    a lookup of each mark cost more than the rest of the search. ``filters`` (the others) join
    the mark; ``at_run_time``: the values are ``bound`` at run time."""
    compacts = bound("compacts", "text[]", at_run_time=at_run_time)
    cap = bound("cap", "int8", at_run_time=at_run_time)
    on_text = class_condition("m", classes=classes, at_run_time=at_run_time)
    return (
        f"SELECT 'exact' AS src, m.application_no FROM {S}.mark_text m {_join('m', filters)} "  # noqa: S608
        f"WHERE m.compact = ANY({compacts}){on_text}{filters.and_conditions} LIMIT {cap}"
    )


def words_source(filters: Statement, *, classes: bool) -> str:
    """Similar wording: trigram word similarity through the GIN index, best first. With
    ``classes`` the Nice-class filter is checked on the text row itself; ``filters`` (the
    others) join the mark. Joining the mark for the classes alone, the planner read every mark
    of a common class (78,000 of class 5 in a 1,000,000-mark register, 150 ms) to hash-join them
    with the trigram matches."""
    on_text = class_condition("m", classes=classes, at_run_time=False)
    return (
        f"SELECT 'words' AS src, application_no FROM (SELECT m.application_no FROM "  # noqa: S608
        f"{S}.mark_text m {_join('m', filters)} WHERE :latin <% m.compact{on_text}"
        f"{filters.and_conditions} ORDER BY word_similarity(:latin, m.compact) DESC "
        "LIMIT :cap) w"
    )


def key_source(
    label: str, table: str, column: str, filters: Statement, *, classes: bool, at_run_time: bool
) -> str:
    """Marks sharing the query's index keys, ranked by how rare the shared keys are (IDF), then
    shortest first.

    Each key contributes its first ``:per_key`` postings in the posting index's order, shortest
    mark first: among marks sharing a key those resemble a short query most, and a key shared by
    thousands of marks costs no more than a rare one. A key's weight ``ln(1 + per_key / n)``
    falls with ``n``, the postings it brought: a mark sharing the query's rare word
    (``energyisland``) outranks the many sharing only a common one (``energy``). With ``classes``
    the Nice-class filter is checked on the posting itself; ``filters`` (the others) join the mark.
    ``at_run_time``: the values are ``bound`` at run time.
    """

    def value(name: str, sql_type: str) -> str:
        return bound(name, sql_type, at_run_time=at_run_time)

    cap, per_key = value("cap", "int8"), value("per_key", "int8")
    on_posting = class_condition("k", classes=classes, at_run_time=at_run_time)
    first = (
        f"SELECT k.application_no, k.mark_length FROM {S}.{table} k {_join('k', filters)} "  # noqa: S608
        f"WHERE k.{column} = q.key{on_posting}{filters.and_conditions} "
        f"ORDER BY k.mark_length, k.application_no LIMIT {per_key}"
    )
    postings = f"SELECT f.*, count(*) OVER () AS n FROM ({first}) f"  # noqa: S608
    weighted = (
        f"SELECT p.application_no, p.mark_length, ln(1.0 + CAST({per_key} AS float8) / p.n) "  # noqa: S608
        f"AS weight FROM unnest({value(f'{label}_keys', 'text[]')}) AS q(key) "
        f"CROSS JOIN LATERAL ({postings}) p"
    )
    return (
        f"SELECT '{label}' AS src, s.application_no FROM (SELECT w.application_no "  # noqa: S608
        f"FROM ({weighted}) w GROUP BY w.application_no "
        f"ORDER BY sum(w.weight) DESC, min(w.mark_length), w.application_no LIMIT {cap}) s"
    )


def candidates_statement(sources: list[str]) -> str:
    """The union of the sources, one row per mark with the sources that found it (each mark
    fetched by ``CARD_OF``: the sources are capped, which the planner cannot know)."""
    union = " UNION ALL ".join(f"({source})" for source in sources)
    return (
        f"WITH c AS ({union}), n AS (SELECT application_no, array_agg(src) AS sources "  # noqa: S608
        f"FROM c GROUP BY application_no) SELECT {CARD_COLUMNS}, n.sources "
        f"FROM n {CARD_OF.format(s=S, alias='n')}"
    )


@dataclass(frozen=True, slots=True)
class Listing:
    """A non-similar mode as SQL: its FROM/WHERE, keyset columns and order.

    ``scan`` (contains): the matches on the index alone, before the mark's filters; the facet
    sample then reads at most ``SAMPLE_SCAN`` of them (see ``sample``).
    """

    from_where: str
    keyset: tuple[str, ...]
    packed: bool
    """``t`` is the mark's card (``mark_of``): its keys come packed, not as JSON."""
    scan: Scan | None = None
    estimate_where: str | None = None
    """What ``explain`` estimates, when it is not ``from_where`` (an equivalent condition the
    planner estimates as it always did)."""

    @property
    def keys(self) -> str:
        return CARD_KEYS if self.packed else MARK_KEYS

    def page(self, after: bool) -> str:
        columns = ", ".join(self.keyset)
        bound = ""
        if after:
            values = ", ".join(f":after_{i}" for i in range(len(self.keyset)))
            bound = (
                f" AND ({columns}) > ({values})"
                if len(self.keyset) > 1
                else (f" AND {columns} > :after_0")
            )
        keys = ", ".join(f"{c} AS sort_{i}" for i, c in enumerate(self.keyset))
        return (
            f"SELECT {MARK_COLUMNS}, {self.keys} AS match_keys, {keys} {self.from_where}{bound} "
            f"ORDER BY {columns} LIMIT :page_size"
        )

    def first_page(self) -> str:
        """The first page and the facet sample in one statement (without a cursor the page is
        the sample's beginning): every sampled match in key order, with the facet columns
        ``sample`` reads, and the stored keys only on the first ``:page_size`` rows."""
        columns = ", ".join(self.keyset)
        keys = ", ".join(f"{c} AS sort_{i}" for i, c in enumerate(self.keyset))
        match_keys = (
            f"CASE WHEN row_number() OVER (ORDER BY {columns}) <= :page_size "
            f"THEN {self.keys} END AS match_keys"
        )
        return (
            f"SELECT {MARK_COLUMNS}, {match_keys}, {keys} {self.from_where} "
            f"ORDER BY {columns} LIMIT :sample_size"
        )

    def sample(self) -> str:
        """The first matches in key order: read along the keyset index, so a common pattern
        stops early instead of scanning a table for any matches."""
        if self.scan is not None:
            return self.scan.sample()
        order = ", ".join(self.keyset)
        return (
            f"SELECT t.nice_classes, t.status, t.kind {self.from_where} "
            f"ORDER BY {order} LIMIT :sample_size"
        )

    def explain(self) -> str:
        return f"EXPLAIN (FORMAT JSON) SELECT 1 {self.estimate_where or self.from_where}"


def exact_listing(filters: Statement) -> Listing:
    return Listing(
        f"FROM {S}.mark_text m {mark_of('m', filters)} "
        f"WHERE m.compact = :compact{filters.and_conditions}",
        ("m.compact", "m.application_no"),
        reads_cards(filters),
    )


def prefix_listing(filters: Statement, *, bounded: bool = True) -> Listing:
    """Marks whose text starts with ``:low``, below ``:high`` when ``bounded`` (see
    ``prefix_range``); the total is estimated from ``LIKE :pattern``, the same set."""
    mark = f"FROM {S}.mark_text m {mark_of('m', filters)}"
    upper = " AND m.compact < :high" if bounded else ""
    return Listing(
        f"{mark} WHERE m.compact >= :low{upper}{filters.and_conditions}",
        ("m.compact", "m.application_no"),
        reads_cards(filters),
        estimate_where=f"{mark} WHERE m.compact LIKE :pattern{filters.and_conditions}",
    )


SAMPLE_SCAN = 1000
"""Most index matches a filtered contains sample checks against the marks' filters: beyond, the
facets come from those and the total is estimated (a filter passing one match in a hundred
would otherwise cost a primary-key lookup per match of a common substring)."""


@dataclass(frozen=True, slots=True)
class Scan:
    """The index side of a contains listing: ``source`` (a table and its alias) and the
    ``match`` conditions read from that index, in keyset order; ``filters`` need the mark."""

    source: str
    alias: str
    match: str
    keyset: tuple[str, ...]
    filters: Statement

    def from_where(self) -> str:
        mark = mark_of(self.alias, self.filters)
        return f"FROM {self.source} {mark} WHERE {self.match}{self.filters.and_conditions}"

    def sample(self) -> str:
        """Facet rows of the first matches in key order, and a last all-NULL row when the index
        held more matches than were read (``SAMPLE_SCAN`` with filters, else the sample size):
        the sample is then partial and the total must be estimated.

        ``MATERIALIZED``: both branches read the one bounded scan, which the filters' primary
        key lookups then never outgrow.
        """
        limit = str(SAMPLE_SCAN) if self.filters.conditions else ":sample_size"
        order = ", ".join(self.keyset)
        a = self.alias
        scanned = (
            f"SELECT {a}.application_no FROM {self.source} WHERE {self.match} "  # noqa: S608
            f"ORDER BY {order} LIMIT {limit}"
        )
        mark = mark_of("s", self.filters)
        return (
            f"WITH s AS MATERIALIZED ({scanned}) "  # noqa: S608
            f"(SELECT t.nice_classes, t.status, t.kind FROM s {mark} WHERE true"
            f"{self.filters.and_conditions} LIMIT :sample_size) UNION ALL "
            f"(SELECT NULL, NULL, NULL FROM s OFFSET {limit} - 1 LIMIT 1)"
        )

    def listing(self) -> Listing:
        return Listing(self.from_where(), self.keyset, reads_cards(self.filters), self)


def cjk_contains_listing(filters: Statement, *, recheck: bool) -> Listing:
    """Postings of the query's rarest-looking CJK key in the primary key's order, with the
    class filter checked on the posting itself; ``recheck`` (the key is not the whole query)
    tests the whole text too.

    The recheck is a correlated subquery, not ``EXISTS``: the planner turns ``EXISTS`` into a
    join and then, for a pattern no index answers (``%富e%``), scans all of ``mark_text``.
    """
    match = "g.gram = :gram"
    if "f_classes" in filters.params:
        match += " AND g.nice_classes && :f_classes"
    if recheck:
        match += (
            f" AND (SELECT true FROM {S}.mark_text m WHERE "  # noqa: S608
            "m.application_no = g.application_no AND m.compact LIKE :pattern LIMIT 1)"
        )
    return Scan(f"{S}.mark_gram g", "g", match, ("g.application_no",), filters).listing()


def latin_contains_listing(filters: Statement) -> Listing:
    """Driven from ``mark_text``: its keyset btree read in order while matches are common, its
    trigram index when they are rare (the planner picks; an ``IN`` form made it hash the whole
    trademark table)."""
    return Scan(
        f"{S}.mark_text m",
        "m",
        "m.compact LIKE :pattern",
        ("m.compact", "m.application_no"),
        filters,
    ).listing()
