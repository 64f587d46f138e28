"""CSV uploads in the customs field layout, parsed and checked without touching the database.

Headers are the customs field ids (DECLNO, ITEM_NO, SHPR_BAN_ID, CCC_CODE, ...; see
``customs_layout``), one declaration line per row. Line numbers count the header as line 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from tax_exemption.declarations.customs_layout import (
    ParsedUpload,
    add_line,
    canonical,
    mismatch,
)

__all__ = ["parse_csv"]


def parse_csv(data: bytes, max_lines: int) -> ParsedUpload:
    """Every line checked; ``errors`` names the file or each bad line (1-based, header = 1)."""
    parsed = ParsedUpload()
    try:
        header, body = _header_and_body(data, max_lines)
    except _FileProblem as problem:
        parsed.file_problem(problem.message, problem.kind)
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
    header = [canonical(name) for name in rows[0]]
    wrong = mismatch(header)
    if wrong is not None:
        raise _FileProblem(wrong.describe("columns"), "columns")
    if len(rows) == 1:
        raise _FileProblem("the file has no lines", "empty")
    return header, rows[1:]


def _rows(text: str, max_lines: int) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    for count, row in enumerate(reader):
        if count > max_lines:
            raise _FileProblem(f"more than {max_lines} lines in one upload", "too_many_lines")
        if row:
            yield row


def _parse_row(parsed: ParsedUpload, number: int, header: list[str], row: list[str]) -> None:
    if len(row) != len(header):
        problem = f"{len(row)} fields where the header has {len(header)}"
        parsed.line_problem(number, problem, "fields")
        return
    add_line(parsed, number, dict(zip(header, row, strict=True)))
