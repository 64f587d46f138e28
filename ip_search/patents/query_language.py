"""The patent query language (field codes as TIPO GPSS uses them), parsed into an AST.

Pure: no I/O, no SQL. Grammar (keywords case-insensitive; NOT binds tighter than AND, AND
tighter than OR; two terms side by side mean AND; ``a NOT b`` means ``a AND NOT b``)::

    query    := or EOF
    or       := and ("OR" and)*
    and      := unary (["AND" | "NOT"] unary)*
    unary    := "NOT" unary | primary
    primary  := "(" or ")" | FIELD op values | term
    values   := "(" or ")" | term          -- inside the group every term takes the FIELD
    term     := WORD | "quoted phrase"
    op       := "=" | ">=" | "<=" | ">" | "<"  -- comparisons only for dates

Fields: TI title, AB abstract, CL claims, PA applicant, IN inventor, IC IPC, PN publication
number, AN application number, AD application date, PD publication date; a term without a field
searches title, abstract and claims (``ALL``). A word ending in ``*`` is a prefix (``batter*``,
``IC=H01M10/05*``); an IPC code without ``/`` (``IC=H01M``) means everything under it. Dates:
``AD=2020-01-01``, ``AD=2020-01-01:2021-12-31`` (either side may be empty), ``AD>=2020-01-01``.

Every error is a ``QuerySyntaxError`` carrying the 0-based character position it points at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "MAX_DEPTH",
    "MAX_TERMS",
    "And",
    "CodeTerm",
    "DateTerm",
    "Field",
    "Node",
    "Not",
    "Or",
    "QuerySyntaxError",
    "TextTerm",
    "parse",
]

MAX_TERMS = 64
MAX_DEPTH = 32


class Field(StrEnum):
    ALL = "ALL"
    TI = "TI"
    AB = "AB"
    CL = "CL"
    PA = "PA"
    IN = "IN"
    IC = "IC"
    PN = "PN"
    AN = "AN"
    AD = "AD"
    PD = "PD"


TEXT_FIELDS = frozenset({Field.ALL, Field.TI, Field.AB, Field.CL, Field.PA, Field.IN})
CODE_FIELDS = frozenset({Field.IC, Field.PN, Field.AN})
DATE_FIELDS = frozenset({Field.AD, Field.PD})
_NAMED_FIELDS = {field.value: field for field in Field if field is not Field.ALL}


class QuerySyntaxError(ValueError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class TextTerm:
    field: Field
    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class CodeTerm:
    field: Field
    code: str
    prefix: bool = False


@dataclass(frozen=True)
class DateTerm:
    """Inclusive bounds; ``None`` means open."""

    field: Field
    start: date | None
    end: date | None


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = TextTerm | CodeTerm | DateTerm | Not | And | Or


@dataclass(frozen=True)
class Token:
    kind: str  # "(" ")" "op" "word" "phrase" "and" "or" "not" "eof"
    text: str
    position: int


_KEYWORDS = {"AND": "and", "OR": "or", "NOT": "not"}
_TOKEN = re.compile(
    r'\s*(?:(?P<paren>[()])|(?P<op>>=|<=|=|>|<)|"(?P<phrase>[^"]*)"|(?P<word>[^\s()"=<>]+))'
)
# Full-width ASCII and the ideographic space fold 1:1, so positions stay those of the input.
_WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_IPC = re.compile(r"^[A-H](\d{2}([A-Z](\d{1,4}(/\d{1,6})?)?)?)?$")
_NUMBER = re.compile(r"^[A-Z0-9]+$")


def fold_width(text: str) -> str:
    return text.translate(_WIDTH_FOLD)


def tokenize(query: str) -> list[Token]:
    text = fold_width(query)
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            if text[position:].strip() == "":
                break
            start = len(text) - len(text[position:].lstrip())
            raise QuerySyntaxError("unterminated quoted phrase", start)
        tokens.append(_token(match))
        position = match.end()
    tokens.append(Token("eof", "", len(text)))
    return tokens


def _token(match: re.Match[str]) -> Token:
    kind = match.lastgroup or "word"
    value = match.group(kind)
    start = match.start(kind) - (1 if kind == "phrase" else 0)
    if kind == "paren":
        return Token(value, value, start)
    if kind == "word" and value.upper() in _KEYWORDS:
        return Token(_KEYWORDS[value.upper()], value, start)
    return Token(kind, value, start)


def parse(query: str) -> Node:
    """The AST of ``query``, or ``QuerySyntaxError`` pointing at the offending position."""
    parser = _Parser(tokenize(query))
    node = parser.parse_or(Field.ALL, 0)
    parser.expect("eof", "unexpected")
    return node


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.terms = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def expect(self, kind: str, message: str) -> Token:
        token = self.current
        if token.kind != kind:
            found = "end of query" if token.kind == "eof" else repr(token.text)
            raise QuerySyntaxError(f"{message} {found}", token.position)
        return self.advance()

    def parse_or(self, field: Field, depth: int) -> Node:
        operands = [self.parse_and(field, depth)]
        while self.current.kind == "or":
            self.advance()
            operands.append(self.parse_and(field, depth))
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self, field: Field, depth: int) -> Node:
        operands = [self.parse_unary(field, depth)]
        while self.current.kind not in ("or", ")", "eof"):
            negate = self.current.kind == "not"
            if self.current.kind in ("and", "not"):
                self.advance()
            operand = self.parse_unary(field, depth)
            operands.append(Not(operand) if negate else operand)
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_unary(self, field: Field, depth: int) -> Node:
        if self.current.kind == "not":
            self.advance()
            return Not(self.parse_unary(field, depth))
        return self.parse_primary(field, depth)

    def parse_primary(self, field: Field, depth: int) -> Node:
        token = self.current
        if depth >= MAX_DEPTH:
            raise QuerySyntaxError(f"nested deeper than {MAX_DEPTH} levels", token.position)
        if token.kind == "(":
            self.advance()
            node = self.parse_or(field, depth + 1)
            self.expect(")", "expected ')' but found")
            return node
        if token.kind == "word" and self._is_field_code():
            return self.parse_field(field, depth)
        if token.kind in ("word", "phrase"):
            return self.parse_term(field, "=")
        what = "end of query" if token.kind == "eof" else repr(token.text)
        raise QuerySyntaxError(f"expected a search term but found {what}", token.position)

    def _is_field_code(self) -> bool:
        following = self.tokens[self.index + 1]
        return self.current.text.upper() in _NAMED_FIELDS and following.kind == "op"

    def parse_field(self, outer: Field, depth: int) -> Node:
        code = self.advance()
        if outer is not Field.ALL:
            raise QuerySyntaxError("a field code cannot appear inside a field group", code.position)
        field = _NAMED_FIELDS[code.text.upper()]
        operator = self.advance()
        if operator.text != "=" and field not in DATE_FIELDS:
            message = f"{field} takes '=' only; comparisons are for AD and PD"
            raise QuerySyntaxError(message, operator.position)
        if self.current.kind == "(" and operator.text == "=":
            self.advance()
            node = self.parse_or(field, depth + 1)
            self.expect(")", "expected ')' but found")
            return node
        return self.parse_term(field, operator.text)

    def parse_term(self, field: Field, operator: str) -> Node:
        token = self.current
        if token.kind not in ("word", "phrase"):
            what = "end of query" if token.kind == "eof" else repr(token.text)
            raise QuerySyntaxError(f"expected a value for {field} but found {what}", token.position)
        self.advance()
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QuerySyntaxError(f"more than {MAX_TERMS} terms", token.position)
        if field in DATE_FIELDS:
            return _date_term(field, operator, token)
        if field in CODE_FIELDS:
            return _code_term(field, token)
        return _text_term(field, token)


def _text_term(field: Field, token: Token) -> TextTerm:
    text, prefix = token.text, False
    if token.kind == "word" and text.endswith("*"):
        text, prefix = text[:-1], True
    if "*" in text:
        star = token.position + token.text.index("*")
        raise QuerySyntaxError("'*' is allowed only at the end of a word", star)
    if not any(char.isalnum() for char in text):
        raise QuerySyntaxError("the term has no letters or digits to search", token.position)
    return TextTerm(field, text.strip(), phrase=token.kind == "phrase", prefix=prefix)


def _code_term(field: Field, token: Token) -> CodeTerm:
    raw = token.text.upper()
    prefix = raw.endswith("*")
    code = raw.rstrip("*") if field is Field.IC else re.sub(r"[,.\-/]", "", raw.rstrip("*"))
    if field is Field.IC:
        if not _IPC.match(code):
            raise QuerySyntaxError(f"{token.text!r} is not an IPC symbol", token.position)
        return CodeTerm(field, code, prefix=prefix or "/" not in code)
    if prefix or not _NUMBER.match(code):
        raise QuerySyntaxError(f"{token.text!r} is not a {field} number", token.position)
    return CodeTerm(field, code)


def _date_term(field: Field, operator: str, token: Token) -> DateTerm:
    if operator == "=" and ":" in token.text:
        first, _, second = token.text.partition(":")
        start = _date(first, token.position) if first else None
        end = _date(second, token.position + len(first) + 1) if second else None
        if start and end and start > end:
            raise QuerySyntaxError("the range ends before it starts", token.position)
        return DateTerm(field, start, end)
    day = _date(token.text, token.position)
    bounds = {
        "=": (day, day),
        ">=": (day, None),
        ">": (day + timedelta(days=1), None),
        "<=": (None, day),
        "<": (None, day - timedelta(days=1)),
    }
    return DateTerm(field, *bounds[operator])


def _date(text: str, position: int) -> date:
    compact = text.replace("/", "-").replace(".", "-")
    if re.fullmatch(r"\d{8}", compact):
        compact = f"{compact[:4]}-{compact[4:6]}-{compact[6:]}"
    try:
        return date.fromisoformat(compact)
    except ValueError:
        raise QuerySyntaxError(f"{text!r} is not a date (YYYY-MM-DD)", position) from None
