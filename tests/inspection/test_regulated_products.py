"""Regulated-products lookup: longest prefix in force on the date wins."""

from __future__ import annotations

from datetime import date

import pytest

from inspection.domain.regulated_products import (
    InspectionTiming,
    MalformedCccCode,
    RegulatedEntry,
    lookup,
    overlaps,
    search_by_name,
)
from inspection.domain.schemes import Scheme

HEADING = RegulatedEntry(
    "85161000",
    "電熱水器",
    (Scheme.RPC,),
    ("CNS 60335-1", "CNS 60335-2-21"),
    InspectionTiming.MARKET,
    date(2020, 1, 1),
)
EXCEPTION = RegulatedEntry(
    "85161000901",
    "儲備型電熱水器",
    (Scheme.RPC, Scheme.BATCH),
    ("CNS 60335-2-21",),
    InspectionTiming.BORDER,
    date(2024, 7, 1),
)
OLD_TOYS = RegulatedEntry(
    "950300",
    "玩具",
    (Scheme.BATCH,),
    ("CNS 4797",),
    InspectionTiming.BORDER,
    date(2010, 1, 1),
    date(2019, 12, 31),
)
NEW_TOYS = RegulatedEntry(
    "950300",
    "玩具",
    (Scheme.DOC, Scheme.RPC),
    ("CNS 4797",),
    InspectionTiming.MARKET,
    date(2020, 1, 31),
)
ENTRIES = [HEADING, EXCEPTION, OLD_TOYS, NEW_TOYS]


def test_longest_prefix_in_force_wins() -> None:
    assert lookup("8516.10.00.90-1", ENTRIES, date(2025, 1, 1)) is EXCEPTION
    assert lookup("85161000902", ENTRIES, date(2025, 1, 1)) is HEADING


def test_an_entry_not_yet_in_force_is_skipped() -> None:
    assert lookup("85161000901", ENTRIES, date(2024, 6, 30)) is HEADING


def test_effective_ranges_are_inclusive_and_may_leave_a_gap() -> None:
    assert lookup("95030000001", ENTRIES, date(2019, 12, 31)) is OLD_TOYS
    assert lookup("95030000001", ENTRIES, date(2020, 1, 1)) is None
    found = lookup("95030000001", ENTRIES, date(2020, 1, 31))
    assert found is NEW_TOYS and found.schemes == (Scheme.DOC, Scheme.RPC)


def test_unregulated_goods_give_none() -> None:
    assert lookup("01012100003", ENTRIES, date(2025, 1, 1)) is None


@pytest.mark.parametrize("code", ["8516100090", "851610009011", "8516.10", "abc"])
def test_malformed_codes_are_refused(code: str) -> None:
    with pytest.raises(MalformedCccCode):
        lookup(code, ENTRIES, date(2025, 1, 1))


def test_entries_validate_their_prefix_schemes_and_dates() -> None:
    with pytest.raises(MalformedCccCode):
        RegulatedEntry("8516", "x", (Scheme.RPC,), (), InspectionTiming.MARKET, date(2025, 1, 1))
    with pytest.raises(ValueError, match="at least one scheme"):
        RegulatedEntry("851610", "x", (), (), InspectionTiming.MARKET, date(2025, 1, 1))
    with pytest.raises(ValueError, match="precedes"):
        RegulatedEntry(
            "851610",
            "x",
            (Scheme.RPC,),
            (),
            InspectionTiming.MARKET,
            date(2025, 1, 1),
            date(2024, 1, 1),
        )


def test_overlapping_entries_on_one_prefix_are_reported_and_resolved_deterministically() -> None:
    assert overlaps(ENTRIES) == []
    clash = RegulatedEntry(
        "950300", "玩具(新版)", (Scheme.DOC,), (), InspectionTiming.MARKET, date(2025, 1, 1)
    )
    assert overlaps([*ENTRIES, clash]) == [(NEW_TOYS, clash)]
    assert lookup("95030000001", [clash, *ENTRIES], date(2025, 6, 1)) is clash


def test_search_by_name_returns_entries_in_force_most_specific_first() -> None:
    assert search_by_name("電熱水器", ENTRIES, date(2025, 1, 1)) == [EXCEPTION, HEADING]
    assert search_by_name("電熱水器", ENTRIES, date(2021, 1, 1)) == [HEADING]
    assert search_by_name("  ", ENTRIES, date(2025, 1, 1)) == []
