"""Change detection between two registry snapshots, keyed by registration number.

Re-importing the same file reports nothing; a new release reports each factory added, removed
or changed, with the fields that changed. List fields (industries, products) compare as sets, so
a reordered or de-duplicated list is no change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

from investment.registry.records import FactoryRecord

__all__ = ["ChangeReport", "FieldChange", "RecordChange", "diff_snapshots"]

_COMPARED = tuple(f.name for f in fields(FactoryRecord) if f.name != "registration_number")


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class RecordChange:
    registration_number: str
    changes: tuple[FieldChange, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(change.field for change in self.changes)


@dataclass(frozen=True, slots=True)
class ChangeReport:
    added: tuple[FactoryRecord, ...]
    changed: tuple[RecordChange, ...]
    removed: tuple[FactoryRecord, ...]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "unchanged": self.unchanged,
        }


def diff_snapshots(
    previous: Mapping[str, FactoryRecord], current: Iterable[FactoryRecord]
) -> ChangeReport:
    """Compare the previous snapshot (by registration number) with the new records."""
    seen: set[str] = set()
    added: list[FactoryRecord] = []
    changed: list[RecordChange] = []
    for record in current:
        seen.add(record.registration_number)
        old = previous.get(record.registration_number)
        if old is None:
            added.append(record)
        elif field_changes := compare(old, record):
            changed.append(RecordChange(record.registration_number, field_changes))
    removed = tuple(record for number, record in previous.items() if number not in seen)
    unchanged = len(seen) - len(added) - len(changed)
    return ChangeReport(tuple(added), tuple(changed), removed, unchanged)


def compare(old: FactoryRecord, new: FactoryRecord) -> tuple[FieldChange, ...]:
    """The fields whose values differ, in declaration order."""
    return tuple(
        FieldChange(name, getattr(old, name), getattr(new, name))
        for name in _COMPARED
        if _comparable(getattr(old, name)) != _comparable(getattr(new, name))
    )


def _comparable(value: object) -> object:
    return frozenset(value) if isinstance(value, tuple) else value
