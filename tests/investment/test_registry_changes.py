"""Change detection between registry snapshots (idempotent re-imports report changes only)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from investment.registry import CodedItem, diff_snapshots, parse_registry_file

SAMPLE = Path(__file__).parent / "data" / "factory_registry_sample_redacted.csv"


def test_reimporting_the_same_file_reports_nothing() -> None:
    records = parse_registry_file(SAMPLE).records
    previous = {r.registration_number: r for r in records}
    report = diff_snapshots(previous, parse_registry_file(SAMPLE).records)
    assert report.is_empty
    assert report.summary() == {"added": 0, "changed": 0, "removed": 0, "unchanged": 420}


def test_added_changed_removed_with_fields() -> None:
    records = list(parse_registry_file(SAMPLE).records)
    previous = {r.registration_number: r for r in records}
    gone, moved, reordered, *rest = records
    new_factory = dataclasses.replace(rest[0], registration_number="T0000001")
    moved_now = dataclasses.replace(moved, address="基隆市七堵區新址1號", name="新名稱有限公司")
    reordered_now = dataclasses.replace(
        reordered, industries=(*reversed(reordered.industries), *reordered.industries)
    )
    report = diff_snapshots(previous, [moved_now, reordered_now, *rest, new_factory])

    assert [r.registration_number for r in report.added] == ["T0000001"]
    assert [r.registration_number for r in report.removed] == [gone.registration_number]
    assert len(report.changed) == 1
    change = report.changed[0]
    assert change.registration_number == moved.registration_number
    assert change.fields == ("name", "address")
    assert change.changes[0].old == moved.name and change.changes[0].new == "新名稱有限公司"
    assert report.unchanged == 418


def test_product_change_is_reported() -> None:
    record = parse_registry_file(SAMPLE).records[0]
    changed = dataclasses.replace(record, products=(CodedItem("312", "機車及其零件"),))
    report = diff_snapshots({record.registration_number: record}, [changed])
    assert report.changed[0].fields == ("products",)
