"""Stream dataset 6569 CSV lines into FactoryRecords and per-line RowErrors.

A bad line never aborts the file: every field of it is checked and each problem becomes a
RowError (line, column, reason); only an unusable file (header, encoding) raises
RegistryFileError. A registration number seen earlier in the same file is a per-line error.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from investment.registry import header as col
from investment.registry.addresses import address_key, locate
from investment.registry.code_lists import split_industries, split_products
from investment.registry.coordinates import parse_coordinates
from investment.registry.counties import County
from investment.registry.errors import FieldError, RegistryFileError, RowError
from investment.registry.header import Columns, read_header
from investment.registry.identifiers import (
    normalize_permit_number,
    parse_business_id,
    parse_registration_number,
)
from investment.registry.records import FactoryKind, FactoryRecord
from investment.registry.roc_dates import parse_roc_date

__all__ = ["ParseResult", "iter_registry", "parse_registry", "parse_registry_file"]

T = TypeVar("T")
_NO_LOCATION: tuple[County, str | None] = (County(code="", name=""), None)
_NO_COORDINATES: tuple[float | None, float | None] = (None, None)


class _CsvReader(Protocol):
    """What csv.reader returns: rows, plus the physical line number reached."""

    @property
    def line_num(self) -> int: ...

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class ParseResult:
    records: tuple[FactoryRecord, ...]
    errors: tuple[RowError, ...]
    ignored_columns: tuple[str, ...]


def parse_registry_file(path: Path) -> ParseResult:
    """Read a CSV file as published (UTF-8 with or without BOM)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        try:
            return parse_registry(stream)
        except UnicodeDecodeError as exc:
            raise RegistryFileError(f"{path.name} is not UTF-8 (byte {exc.start})") from None


def parse_registry(lines: Iterable[str]) -> ParseResult:
    """Parse everything, collecting records and errors (RegistryFileError for a bad header)."""
    records: list[FactoryRecord] = []
    errors: list[RowError] = []
    reader = csv.reader(lines)
    columns = _read_columns(reader)
    for outcome in _outcomes(reader, columns):
        if isinstance(outcome, RowError):
            errors.append(outcome)
        else:
            records.append(outcome)
    return ParseResult(tuple(records), tuple(errors), columns.ignored)


def iter_registry(lines: Iterable[str]) -> Iterator[FactoryRecord | RowError]:
    """Streaming form: yields each record or error as its line is read."""
    reader = csv.reader(lines)
    columns = _read_columns(reader)
    yield from _outcomes(reader, columns)


def _read_columns(reader: _CsvReader) -> Columns:
    try:
        return read_header(next(reader))
    except StopIteration:
        raise RegistryFileError("the file is empty: no header line") from None
    except csv.Error as exc:
        raise RegistryFileError(f"header line is not valid CSV: {exc}") from None


def _outcomes(reader: _CsvReader, columns: Columns) -> Iterator[FactoryRecord | RowError]:
    first_line: dict[str, int] = {}
    for line, row in _lines(reader):
        if isinstance(row, RowError):
            yield row
            continue
        if len(row) != columns.width:
            yield RowError(line, None, f"expected {columns.width} fields, got {len(row)}")
            continue
        outcome = _record(row, columns, line)
        if isinstance(outcome, FactoryRecord):
            yield _unique(outcome, line, first_line)
        else:
            yield from outcome


def _lines(reader: _CsvReader) -> Iterator[tuple[int, list[str] | RowError]]:
    """(physical line, cells) for each non-blank row; a CSV syntax error is that line's error."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num
            yield line, RowError(line, None, f"not valid CSV: {exc}")
            continue
        if any(cell.strip() for cell in row):
            yield reader.line_num, row


def _unique(
    record: FactoryRecord, line: int, first_line: dict[str, int]
) -> FactoryRecord | RowError:
    first = first_line.setdefault(record.registration_number, line)
    if first == line:
        return record
    return RowError(
        line,
        col.REGISTRATION_NUMBER,
        f"registration number {record.registration_number} already appeared on line {first}",
        record.registration_number,
    )


class _Row:
    """Reads the cells of one row, turning each FieldError into a RowError with its column."""

    def __init__(self, row: Sequence[str], columns: Columns, line: int) -> None:
        self.row, self.columns, self.line = row, columns, line
        self.errors: list[RowError] = []

    def text(self, column: str) -> str:
        return self.columns.get(self.row, column).strip()

    def optional(self, column: str) -> str | None:
        return self.text(column) or None

    def field(self, column: str, parse: Callable[[str], T], fallback: T) -> T:
        try:
            return parse(self.text(column))
        except FieldError as exc:
            self.errors.append(RowError(self.line, column, str(exc)))
            return fallback


def _required(value: str) -> str:
    if not value:
        raise FieldError("required value is blank")
    return value


def _record(row: Sequence[str], columns: Columns, line: int) -> FactoryRecord | list[RowError]:
    cells = _Row(row, columns, line)
    number, kind = cells.field(
        col.REGISTRATION_NUMBER, parse_registration_number, ("", FactoryKind.GENERAL)
    )
    address = cells.field(col.ADDRESS, _required, "")
    county, township = cells.field(col.VILLAGE, lambda v: locate(v, address), _NO_LOCATION)
    longitude, latitude = cells.field(
        col.LONGITUDE, lambda lon: parse_coordinates(lon, cells.text(col.LATITUDE)), _NO_COORDINATES
    )
    record = FactoryRecord(
        registration_number=number,
        kind=kind,
        name=cells.field(col.NAME, _required, ""),
        business_id=cells.field(col.BUSINESS_ID, parse_business_id, ""),
        organization_type=cells.text(col.ORGANIZATION_TYPE),
        status=cells.text(col.STATUS),
        address=address,
        address_key=address_key(address),
        village=cells.text(col.VILLAGE),
        county_code=county.code,
        county_name=county.name,
        township=township,
        permit_number=cells.field(col.PERMIT_NUMBER, normalize_permit_number, None),
        establishment_approved_on=cells.field(col.ESTABLISHMENT_DATE, parse_roc_date, None),
        registration_approved_on=cells.field(col.REGISTRATION_DATE, parse_roc_date, None),
        industries=cells.field(col.INDUSTRIES, split_industries, ()),
        products=cells.field(col.PRODUCTS, split_products, ()),
        owner_name=cells.optional(col.OWNER_NAME),
        website=cells.optional(col.WEB_URL),
        product_description=cells.optional(col.PRODUCT_NAME),
        material=cells.optional(col.MATERIAL),
        longitude=longitude,
        latitude=latitude,
    )
    return cells.errors if cells.errors else record
