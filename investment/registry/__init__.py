"""Factory registry (工廠登記): parse the data.gov.tw dataset 6569 CSV and diff snapshots.

Pure code, no I/O beyond the text stream it is given: `parse_registry` turns lines into typed
immutable records or per-line errors; `diff_snapshots` reports what a re-import changes.
"""

from investment.registry.changes import ChangeReport, FieldChange, RecordChange, diff_snapshots
from investment.registry.errors import RegistryFileError, RowError
from investment.registry.parser import (
    ParseResult,
    iter_registry,
    parse_registry,
    parse_registry_file,
)
from investment.registry.records import CodedItem, FactoryKind, FactoryRecord

__all__ = [
    "ChangeReport",
    "CodedItem",
    "FactoryKind",
    "FactoryRecord",
    "FieldChange",
    "ParseResult",
    "RecordChange",
    "RegistryFileError",
    "RowError",
    "diff_snapshots",
    "iter_registry",
    "parse_registry",
    "parse_registry_file",
]
