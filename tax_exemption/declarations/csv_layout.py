"""CSV uploads in the customs field layout, parsed and checked without touching the database.

Headers are the customs field ids (DECLNO, ITEM_NO, SHPR_BAN_ID, CCC_CODE, ...). Dates may be
ROC (``113.06.01``, year + 1911) or ISO. A file is taken whole or not at all: any file-level or
line-level error is reported with its line number and nothing is stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from common.errors import FieldProblem
from tax_exemption.declarations.schemas import DeclarationLineIn, LineAction

__all__ = ["COLUMNS", "REQUIRED", "ParsedUpload", "parse_csv"]

# customs field id -> API field
COLUMNS = {
    "DECLNO": "declaration_no",
    "ITEM_NO": "item_no",
    "SHPR_BAN_ID": "importer_ban",
    "CCC_CODE": "ccc_code",
    "DESCRIPTION": "description",
    "GOODS_MODEL": "goods_model",
    "GOODS_SPEC": "goods_spec",
    "QTY": "quantity",
    "DOC_UM": "doc_unit",
    "ST_QTY": "stat_quantity",
    "ST_UM": "stat_unit",
    "ORG_COUNTRY": "origin_country",
    "CERT_NO": "cited_certificate_no",
    "CERT_NO_ITEM": "cited_item_no",
    "DECL_DATE": "declaration_date",
    "ACTION": "action",
}
ALIASES = {"ITEMNO": "ITEM_NO", "DECL_NO": "DECLNO", "IMPORTER_BAN": "SHPR_BAN_ID"}
REQUIRED = frozenset(
    {"DECLNO", "ITEM_NO", "SHPR_BAN_ID", "CCC_CODE", "DESCRIPTION", "QTY", "DOC_UM"}
    | {"ORG_COUNTRY", "DECL_DATE"}
)
_ACTIONS = {"": LineAction.DECLARE, "N": LineAction.DECLARE, "A": LineAction.DECLARE}
_ACTIONS |= {"C": LineAction.CANCEL, "D": LineAction.CANCEL}
ROC_OFFSET = 1911


@dataclass(slots=True)
class ParsedUpload:
    lines: list[DeclarationLineIn] = field(default_factory=list)
    errors: list[FieldProblem] = field(default_factory=list)


def parse_csv(data: bytes, max_lines: int) -> ParsedUpload:
    """Every line checked; ``errors`` names the file or each bad line (1-based, header = 1)."""
    parsed = ParsedUpload()
    try:
        header, body = _header_and_body(data, max_lines)
    except _FileProblem as problem:
        parsed.errors.append(FieldProblem(loc=["file"], msg=problem.message, type=problem.kind))
        return parsed
    for number, row in enumerate(body, start=2):
        _parse_row(parsed, number, header, row)
    return parsed


class _FileProblem(Exception):
    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


def _header_and_body(data: bytes, max_lines: int) -> tuple[list[str], list[list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileProblem("the file is not UTF-8 text", "encoding") from exc
    if "\x00" in text:
        raise _FileProblem("the file contains NUL bytes: not a CSV text", "malformed")
    try:
        rows = list(_rows(text, max_lines))
    except csv.Error as exc:
        raise _FileProblem(f"malformed CSV: {exc}", "malformed") from exc
    if not rows:
        raise _FileProblem("the file has no header", "no_header")
    problem = _check_header(rows[0])
    if problem is not None:
        raise _FileProblem(problem, "columns")
    if len(rows) == 1:
        raise _FileProblem("the file has no lines", "empty")
    return _canonical(rows[0]), rows[1:]


def _rows(text: str, max_lines: int) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    for count, row in enumerate(reader):
        if count > max_lines:
            raise _FileProblem(f"more than {max_lines} lines in one upload", "too_many_lines")
        if row:
            yield row


def _canonical(header: list[str]) -> list[str]:
    names = [name.strip().upper() for name in header]
    return [ALIASES.get(name, name) for name in names]


def _check_header(header: list[str]) -> str | None:
    names = _canonical(header)
    unknown = sorted(set(names) - set(COLUMNS))
    missing = sorted(REQUIRED - set(names))
    if len(set(names)) != len(names):
        return "a column appears twice"
    if unknown or missing:
        return f"unknown columns {unknown}, missing columns {missing}"
    return None


def _parse_row(parsed: ParsedUpload, number: int, header: list[str], row: list[str]) -> None:
    if len(row) != len(header):
        problem = f"{len(row)} fields where the header has {len(header)}"
        parsed.errors.append(FieldProblem(loc=["line", number], msg=problem, type="fields"))
        return
    values = _values(dict(zip(header, row, strict=True)))
    if isinstance(values, FieldProblem):
        values.loc.insert(1, number)
        parsed.errors.append(values)
        return
    try:
        parsed.lines.append(DeclarationLineIn.model_validate(values))
    except ValidationError as exc:
        for error in exc.errors():
            loc = ["line", number, *_column_of(error["loc"])]
            parsed.errors.append(FieldProblem(loc=loc, msg=error["msg"], type=error["type"]))


def _values(raw: dict[str, str]) -> dict[str, Any] | FieldProblem:
    values: dict[str, Any] = {}
    for column, text in raw.items():
        value = text.strip()
        if column == "ACTION":
            action = _ACTIONS.get(value.upper())
            if action is None:
                return FieldProblem(loc=["line", column], msg="ACTION is N, A or C", type="action")
            values["action"] = action
        elif column == "DECL_DATE":
            values["declaration_date"] = _iso_date(value)
        elif value:
            values[COLUMNS[column]] = value
    return values


def _iso_date(value: str) -> str:
    """``113.06.01`` or ``113/06/01`` (ROC) to ISO; anything else is left for validation."""
    parts = value.replace("/", ".").split(".")
    if len(parts) == 3 and all(part.isdigit() for part in parts) and len(parts[0]) <= 3:
        year, month, day = (int(part) for part in parts)
        return f"{year + ROC_OFFSET:04d}-{month:02d}-{day:02d}"
    return value


_FIELD_TO_COLUMN = {api: column for column, api in COLUMNS.items()}


def _column_of(loc: tuple[int | str, ...]) -> list[int | str]:
    return [_FIELD_TO_COLUMN.get(str(part), part) for part in loc] if loc else []
