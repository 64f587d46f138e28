"""The customs field layout of declaration uploads, shared by the CSV and XML readers.

A reader hands over each declaration line as customs field ids mapped to their text (DECLNO,
ITEM_NO, SHPR_BAN_ID, CCC_CODE, ...) with the line's number in the file; this module checks
which fields are there, turns the texts into a ``DeclarationLineIn`` and reports every problem
under ``["line", number, FIELD_ID]`` (or ``["file"]``). Dates may be ROC (``113.06.01``, year +
1911) or ISO. A file is taken whole or not at all: one problem and nothing is stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from common.errors import FieldProblem
from tax_exemption.declarations.schemas import DeclarationLineIn, LineAction

__all__ = [
    "ALIASES",
    "COLUMNS",
    "REQUIRED",
    "FieldMismatch",
    "ParsedUpload",
    "UploadParser",
    "add_line",
    "canonical",
    "mismatch",
]

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
_FIELD_TO_COLUMN = {api: column for column, api in COLUMNS.items()}


@dataclass(slots=True)
class ParsedUpload:
    lines: list[DeclarationLineIn] = field(default_factory=list)
    errors: list[FieldProblem] = field(default_factory=list)

    def file_problem(self, message: str, kind: str) -> None:
        self.errors.append(FieldProblem(loc=["file"], msg=message, type=kind))

    def line_problem(self, number: int, message: str, kind: str, *where: int | str) -> None:
        self.errors.append(FieldProblem(loc=["line", number, *where], msg=message, type=kind))


# bytes of the file, most lines allowed -> the lines or the problems
UploadParser = Callable[[bytes, int], ParsedUpload]


def canonical(name: str) -> str:
    """A field id as written (any case, a known alias) to the id of ``COLUMNS``."""
    upper = name.strip().upper()
    return ALIASES.get(upper, upper)


@dataclass(frozen=True, slots=True)
class FieldMismatch:
    unknown: list[str]
    missing: list[str]
    repeated: list[str]

    def describe(self, noun: str) -> str:
        """``noun`` is what the format calls a field: "columns", "elements"."""
        parts = {"unknown": self.unknown, "missing": self.missing, "repeated": self.repeated}
        return ", ".join(f"{kind} {noun} {names}" for kind, names in parts.items() if names)


def mismatch(names: Collection[str], allowed: Collection[str] = COLUMNS) -> FieldMismatch | None:
    """What is wrong with the set of field ids (canonical) one line carries, if anything."""
    counts = Counter(names)
    found = FieldMismatch(
        unknown=sorted(set(counts) - set(allowed)),
        missing=sorted(REQUIRED - set(counts)),
        repeated=sorted(name for name, count in counts.items() if count > 1),
    )
    return found if found.unknown or found.missing or found.repeated else None


def add_line(parsed: ParsedUpload, number: int, raw: Mapping[str, str]) -> None:
    """Validate one line given as canonical field id -> text; keep it or report its problems."""
    values = _values(raw)
    if isinstance(values, str):
        parsed.line_problem(number, values, "action", "ACTION")
        return
    try:
        parsed.lines.append(DeclarationLineIn.model_validate(values))
    except ValidationError as exc:
        for error in exc.errors():
            parsed.line_problem(number, error["msg"], error["type"], *_columns_of(error["loc"]))


def _values(raw: Mapping[str, str]) -> dict[str, Any] | str:
    """The API fields of a line, or the message of a bad ACTION code."""
    values: dict[str, Any] = {}
    for column, text in raw.items():
        value = text.strip()
        if column == "ACTION":
            action = _ACTIONS.get(value.upper())
            if action is None:
                return "ACTION is N, A or C"
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


def _columns_of(loc: tuple[int | str, ...]) -> list[int | str]:
    return [_FIELD_TO_COLUMN.get(str(part), part) for part in loc]
