"""TmarkAppl / TmarkRights readers: every field of the real TIPO sample mapped, bad records
rejected with their reasons while the rest of the file goes on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ip_search.importers import (
    GoodsClass,
    MarkColour,
    MarkForm,
    MarkKind,
    MarkStatus,
    RecordRejection,
    RecordSource,
    TrademarkRecord,
    read_tmarkappl,
    read_tmarkrights,
)

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "tmarkappl_api_sample_25.xml"


def _records(items: list[TrademarkRecord | RecordRejection]) -> dict[str, TrademarkRecord]:
    return {i.application_no: i for i in items if isinstance(i, TrademarkRecord)}


def test_api_sample_parses_all_25_records_without_rejection() -> None:
    items = list(read_tmarkappl(SAMPLE))

    assert [i for i in items if isinstance(i, RecordRejection)] == []
    assert [i.application_no for i in items if isinstance(i, TrademarkRecord)] == [
        f"{n:09d}" for n in range(1, 26)
    ]


def test_first_sample_record_maps_every_field() -> None:
    record = _records(list(read_tmarkappl(SAMPLE)))["000000001"]

    assert record.source is RecordSource.TMARK_APPL
    assert record.name == "林森"
    assert record.words_zh == "林森"
    assert record.words_en is None and record.words_ja is None
    assert record.kind is MarkKind.TRADEMARK and record.kind_code == "1"
    assert record.former_service_mark is False
    assert record.status is MarkStatus.FILED
    assert record.form is None  # tmark-type is empty on old cases
    assert record.colour is MarkColour.BLACK_AND_WHITE
    assert record.filing_date == dt.date(1951, 2, 27)
    assert record.received_date is None
    # 032 in 1951 is the old Taiwanese class for hair cream, not Nice class 32.
    assert record.classes == (
        GoodsClass(code="032", nice_class=None, goods="美髮霜商品。", groups=(), sequence=1),
    )
    assert record.nice_classes == ()
    (applicant,) = record.applicants
    assert applicant.name_zh == "盛香堂\u3000許鉗"  # inner full-width space is part of the name
    assert applicant.address == "臺中市復興路170號"
    assert (applicant.country_code, applicant.country_name_zh) == ("TW", "中華民國")
    assert [a.name_zh for a in record.agents] == ["陳家蔭"]
    assert record.image_urls == (
        "https://twtmsearch.tipo.gov.tw/imageLoad.jsp?path=/20160227/000/000/001/"
        "pic_000000001_20110105_1.jpg&formatName=jpeg&pathCodeId=282_pic",
    )
    assert record.audio_url is None


def test_other_sample_records_keep_their_own_values() -> None:
    records = _records(list(read_tmarkappl(SAMPLE)))

    sun_moon_lake = records["000000003"]
    assert sun_moon_lake.name == "日月潭"
    assert sun_moon_lake.colour is MarkColour.RED
    assert sun_moon_lake.classes[0].code == "271"
    assert sun_moon_lake.classes[0].nice_class is None
    assert sun_moon_lake.agents == ()
    assert sun_moon_lake.applicants[0].name_zh == "台灣大秦紡織股份有限公司"

    black_pine = records["000000004"]
    assert black_pine.name == "黑松牌"
    assert black_pine.words_zh == "黑松"
    assert black_pine.colour is MarkColour.COLOUR
    assert black_pine.classes[0].goods == "汽水商品"
    assert black_pine.filing_date == dt.date(1951, 3, 24)

    osmanthus = records["000000010"]
    assert [(c.code, c.sequence) for c in osmanthus.classes] == [("024", 1), ("432", 2)]

    fusan = records["000000023"]
    assert fusan.name == "富山 FUSAN"
    assert (fusan.words_zh, fusan.words_en) == (None, "FUSAN")

    assert records["000000020"].words_en == "GHIANGPI"
    assert records["000000025"].words_zh is None


def test_bulk_per_case_file_with_relative_doctype_parses() -> None:
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE tmarkappl SYSTEM "../tmarkappl-B104.1.0.dtd">\n'
        '<tmarkappl create-date="2019/06/26" dtd-version="B104.1.0"><tmarkcontent>'
        "<appl-no>100000001</appl-no><appl-date>2011/01/03</appl-date>"
        "<tmark-name>高強及圖</tmark-name><tmark-class>1</tmark-class>"
        "<tmark-type>3</tmark-type><tmark-color>1</tmark-color>"
        "<tmark-draft-e>PROFESSIONAL ABACUS ARITHMETIC EDUCATION</tmark-draft-e>"
        "<receive-date>2011/01/03</receive-date>"
        '<goodsclasses><goodsclass sequence="1"><goodsclass-code>041</goodsclass-code>'
        "<goods-name>珠算、心算補習班之服務。</goods-name><goods-group>4103</goods-group>"
        "</goodsclass></goodsclasses>"
        '<parties><agents><agent sequence="1"><chinese-name>沈慶慧</chinese-name></agent>'
        '<agent sequence="2"><chinese-name>林雪美</chinese-name></agent></agents></parties>'
        "</tmarkcontent></tmarkappl>"
    ).encode()

    (record,) = list(read_tmarkappl(xml))

    assert isinstance(record, TrademarkRecord)
    assert record.form is MarkForm.TWO_DIMENSIONAL
    assert record.classes == (
        GoodsClass(
            code="041",
            nice_class=41,
            goods="珠算、心算補習班之服務。",
            groups=("4103",),
            sequence=1,
        ),
    )
    assert record.nice_classes == (41,) and record.groups == ("4103",)
    assert [a.sequence for a in record.agents] == [1, 2]
    assert record.received_date == dt.date(2011, 1, 3)


def test_rights_map_registration_owners_and_lapse() -> None:
    items = list(read_tmarkrights(FIXTURES / "tmarkrights_sample.xml"))
    records = _records(items)

    kong = records["108012345"]
    assert kong.source is RecordSource.TMARK_RIGHTS
    assert kong.status is MarkStatus.REGISTERED
    assert kong.registration_no == "01987654"  # zero-padded to 8 digits
    assert kong.kind_code == "T" and not kong.former_service_mark
    assert kong.registration_date == dt.date(2019, 11, 16)
    assert kong.term_end == dt.date(2029, 11, 15)
    assert kong.gazette_volume == "46/22"
    assert kong.examiner == "李審查"
    assert kong.classes[0].groups == ("3005", "3006")
    assert kong.owners[0].name_en == "TINGYI (CAYMAN ISLANDS) HOLDING CORP."
    assert kong.owners[0].country_code == "KY"
    assert kong.applicants == ()
    assert len(kong.image_urls) == 2
    assert dict(kong.status_flags) == {"opposition-status": "N", "transfer-status": "Y"}

    ase = records["095000777"]
    assert ase.status is MarkStatus.LAPSED and ase.lapse_reason == "逾期未延展"
    assert ase.former_service_mark is True


def test_rights_expiry_needs_an_as_of_date() -> None:
    as_of = dt.date(2030, 1, 1)
    kong = _records(list(read_tmarkrights(FIXTURES / "tmarkrights_sample.xml", as_of=as_of)))[
        "108012345"
    ]

    assert kong.status is MarkStatus.LAPSED


def test_bad_rights_record_is_rejected_with_every_reason() -> None:
    items = list(read_tmarkrights(FIXTURES / "tmarkrights_sample.xml"))

    (rejection,) = [i for i in items if isinstance(i, RecordRejection)]
    assert rejection.position == 3
    assert rejection.application_no == "095000778"
    reasons = " | ".join(rejection.reasons)
    assert "appl-date" in reasons and "2006/02/30" in reasons
    assert "unknown tmark-class 'Z'" in reasons
    assert "exam-no must be up to 8 digits" in reasons
    assert "30A5" in reasons
    assert len(rejection.reasons) == 4
    # The records around it are still read.
    assert set(_records(items)) == {"108012345", "095000777"}


def test_record_without_number_or_name_is_rejected() -> None:
    xml = (
        "<tmarkappl><tmarkcontent><appl-no>12345</appl-no><tmark-name>\u3000</tmark-name>"
        "<tmark-class>1</tmark-class><tmark-type>7</tmark-type></tmarkcontent>"
        "<tmarkcontent><appl-no>113000001</appl-no><tmark-name>好</tmark-name>"
        "<tmark-class>1</tmark-class></tmarkcontent></tmarkappl>"
    ).encode()

    first, second = list(read_tmarkappl(xml))

    assert isinstance(first, RecordRejection)
    assert first.reasons == (
        "appl-no must be 9 digits, got '12345'",
        "tmark-name is empty",
        "unknown tmark-type '7'",
    )
    assert isinstance(second, TrademarkRecord) and second.name == "好"
