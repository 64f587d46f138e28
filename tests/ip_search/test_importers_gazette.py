"""Gazette RegContent reader: ROC dates, 8-digit registration numbers, full-width blanks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ip_search.importers import (
    MarkColour,
    MarkForm,
    MarkKind,
    MarkStatus,
    RecordRejection,
    RecordSource,
    TrademarkRecord,
    read_gazette,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _all(name: str) -> list[TrademarkRecord | RecordRejection]:
    return list(read_gazette(FIXTURES / name))


def test_index_imports_every_record() -> None:
    items = _all("gazette_regcontent_index.xml")

    assert [i for i in items if isinstance(i, RecordRejection)] == []
    assert [i.registration_no for i in items if isinstance(i, TrademarkRecord)] == [
        "02207609", "02207610", "02207611", "02207700", "02207701", "02207702",
    ]  # fmt: skip


def test_roc_dates_and_fields_are_mapped() -> None:
    records = [i for i in _all("gazette_regcontent_index.xml") if isinstance(i, TrademarkRecord)]
    energy = records[2]

    assert energy.source is RecordSource.GAZETTE
    assert energy.application_no == "110045137"
    assert energy.name == "量特能ENERGYISLAND及圖"
    assert energy.filing_date == dt.date(2021, 6, 26)  # 110.06.26
    assert (energy.term_start, energy.term_end) == (dt.date(2022, 3, 16), dt.date(2032, 3, 15))
    assert energy.status is MarkStatus.REGISTERED
    assert (energy.colour, energy.form) == (MarkColour.BLACK_AND_WHITE, MarkForm.TWO_DIMENSIONAL)
    assert energy.kind is MarkKind.TRADEMARK
    assert energy.owners[0].name_zh == "黃秋翰" and energy.owners[0].name_en is None
    assert [a.name_zh for a in records[1].agents] == ["陳長文", "楊適賓"]


def test_full_width_blank_class_is_skipped_and_other_fields_kept() -> None:
    records = [i for i in _all("gazette_regcontent_index.xml") if isinstance(i, TrademarkRecord)]
    tsh = records[3]

    assert [(c.code, c.nice_class, c.goods) for c in tsh.classes] == [
        ("005", 5, "西藥、營養補充品")
    ]
    assert tsh.kind is MarkKind.COLLECTIVE_TRADEMARK
    assert (tsh.colour, tsh.form) == (MarkColour.COLOUR, MarkForm.THREE_DIMENSIONAL)
    assert tsh.priority_date == dt.date(2021, 4, 1)
    assert tsh.description == "瓶身立體形狀"
    assert tsh.examiner == "王小明"
    assert [(o.name_en, o.address) for o in tsh.owners] == [
        ("TSH BIOPHARM CORPORATION LIMITED", "臺北市"),
        ("SEIKA CO., LTD.", "日本"),
    ]
    assert tsh.image_urls == ("imagesdata/02207700.jpg",)

    saint_gobain, asus = records[4], records[5]
    assert saint_gobain.kind is MarkKind.CERTIFICATION_MARK
    assert saint_gobain.former_service_mark is True
    assert saint_gobain.owners[0].name_en == "SAINT-GOBAIN CERAMICS & PLASTICS, INC."
    assert asus.kind is MarkKind.COLLECTIVE_MEMBERSHIP_MARK
    assert asus.filing_date is None and asus.memo is None  # U+3000 means "no value"


def test_bad_records_are_rejected_with_reasons_and_the_good_one_kept() -> None:
    items = _all("gazette_bad_records.xml")

    assert [type(i).__name__ for i in items] == [
        "RecordRejection", "TrademarkRecord", "RecordRejection", "RecordRejection",
    ]  # fmt: skip
    numbers, _, everything, nameless = items
    assert isinstance(numbers, RecordRejection)
    assert numbers.reasons == (
        "CaseNo must be 9 digits, got '11003085'",
        "RegisterNo must be 8 digits, got '2207610'",
    )
    assert isinstance(everything, RecordRejection)
    assert everything.position == 3 and everything.application_no == "110030857"
    joined = " | ".join(everything.reasons)
    for expected in ("Trademark_Name is empty", "unknown Mark_Type '7'", "110.13.40", "0A1"):
        assert expected in joined
    assert "EDate 2022-03-15 is before SDate 2032-03-16" in joined
    assert isinstance(nameless, RecordRejection)
    assert nameless.reasons == (
        "Filing_Date: ROC year must be at least 1, got 0",
        "RegContentOwner 1 has no name",
    )
