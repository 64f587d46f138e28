"""The dataset 6569 parser on the real sample and on handmade malformed files."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from investment.registry import (
    CodedItem,
    FactoryKind,
    FactoryRecord,
    RegistryFileError,
    RowError,
    iter_registry,
    parse_registry,
    parse_registry_file,
)

SAMPLE = Path(__file__).parent / "data" / "factory_registry_sample_redacted.csv"
OFFICIAL_HEADER = (
    "工廠名稱,工廠登記編號,工廠設立許可案號,工廠地址,工廠市鎮鄉村里,工廠負責人姓名,統一編號,"
    "工廠組織型態,工廠設立核准日期,工廠登記核准日期,工廠登記狀態,產業類別,主要產品"
)
GOOD_ROW = (
    "好工廠有限公司,99667269,,基隆市中正區社寮里和一路1號,基隆市中正區社寮里,王小明,00941143,"
    "有限公司,0750705,0750710,生產中,29機械設備製造業,293通用機械設備"
)


def _parse(text: str) -> tuple[list[FactoryRecord], list[RowError]]:
    result = parse_registry(io.StringIO(text))
    return list(result.records), list(result.errors)


def test_every_sample_row_parses() -> None:
    result = parse_registry_file(SAMPLE)
    assert len(result.records) == 420
    assert result.errors == ()
    by_county = {r.county_name: r.county_code for r in result.records}
    assert by_county == {"基隆市": "10017", "澎湖縣": "10016", "金門縣": "09020", "連江縣": "09007"}


def test_sample_concrete_rows() -> None:
    records = {r.registration_number: r for r in parse_registry_file(SAMPLE).records}
    matsu = records["96200001"]
    assert matsu.name == "馬祖酒廠實業股份有限公司南竿廠"
    assert matsu.permit_number == "8696001"  # published as "86 96   001"
    assert matsu.county_code == "09007" and matsu.township == "南竿鄉"
    assert matsu.establishment_approved_on == dt.date(1997, 11, 7)
    assert matsu.products == (CodedItem("091", "酒精飲料"), CodedItem("092", "非酒精飲料"))
    assert matsu.website == "http://www.matsuwine.com.tw"

    specific = records["S8000001"]
    assert specific.kind is FactoryKind.SPECIFIC and specific.kind.label_zh == "特定工廠"
    assert specific.industries == (CodedItem("08", "食品製造業"),)  # duplicate dropped
    assert specific.longitude is None and specific.latitude is None

    shunxing = records["99667216"]
    assert shunxing.industries == () and shunxing.products == ()
    assert shunxing.address == "基隆市安樂區新崙里基金一路３３９號"  # full-width kept
    assert shunxing.address_key == "基隆市安樂區新崙里基金一路339號"
    assert (shunxing.longitude, shunxing.latitude) == (121.706223, 25.141468)

    code_only = records["99710012"]
    assert code_only.products == (CodedItem("2499990", ""), CodedItem("254", "金屬加工處理"))


def test_sample_kinds_and_name_with_separator() -> None:
    records = parse_registry_file(SAMPLE).records
    kinds = {r.kind for r in records}
    assert kinds == {FactoryKind.GENERAL, FactoryKind.SPECIFIC}
    with_comma_name = [r for r in records if "27" in r.industry_codes]
    assert with_comma_name
    assert all(
        CodedItem("27", "電腦、電子產品及光學製品製造業") in r.industries for r in with_comma_name
    )


def test_official_header_with_bom_old_business_id_name_and_no_kiang_columns() -> None:
    text = (
        "\ufeff" + OFFICIAL_HEADER.replace("統一編號", "營利事業統一編號") + "\n" + GOOD_ROW + "\n"
    )
    records, errors = _parse(text)
    assert errors == []
    record = records[0]
    assert record.business_id == "00941143"
    assert record.owner_name == "王小明"


def test_malformed_lines_each_get_an_error_and_do_not_abort() -> None:
    bad_rows = [
        GOOD_ROW.replace("00941143", "00941144"),  # line 2: checksum
        GOOD_ROW.replace("99667269", "X9667269").replace("0750705", "0751345"),  # line 3: two
        "只有,三個,欄位",  # line 4: wrong width
        GOOD_ROW.replace("99667269", "99667270").replace("基隆市中正區社寮里", "火星"),  # line 5
        GOOD_ROW,  # line 6: good
        GOOD_ROW.replace("29機械設備製造業", "99不存在業"),  # line 7: duplicate + bad industry
    ]
    text = OFFICIAL_HEADER + "\n" + "\n".join(bad_rows) + "\n"
    records, errors = _parse(text)
    assert len(records) == 1
    got = [(e.line, e.column) for e in errors]
    assert got == [
        (2, "統一編號"),
        (3, "工廠登記編號"),
        (3, "工廠設立核准日期"),
        (4, None),
        (5, "工廠市鎮鄉村里"),
        (7, "產業類別"),
    ]
    assert "checksum" in errors[0].reason
    assert "expected 13 fields, got 3" in errors[3].reason
    assert str(errors[0]).startswith("line 2, column 統一編號:")


def test_duplicate_registration_number_is_a_line_error() -> None:
    text = OFFICIAL_HEADER + "\n" + GOOD_ROW + "\n\n" + GOOD_ROW + "\n"
    records, errors = _parse(text)
    assert len(records) == 1
    assert [(e.line, e.column, e.registration_number) for e in errors] == [
        (4, "工廠登記編號", "99667269")
    ]
    assert "line 2" in errors[0].reason


def test_thirteen_digit_roc_date() -> None:
    row = GOOD_ROW.replace("0750705", "1010913000000")
    records, errors = _parse(OFFICIAL_HEADER + "\n" + row + "\n")
    assert errors == []
    assert records[0].establishment_approved_on == dt.date(2012, 9, 13)


def test_bad_coordinates_are_line_errors() -> None:
    header = OFFICIAL_HEADER + ",Longitude,Latitude"
    rows = [GOOD_ROW + ",25.15,121.76", GOOD_ROW.replace("99667269", "99667270") + ",0,0"]
    _, errors = _parse(header + "\n" + "\n".join(rows) + "\n")
    assert [(e.line, e.column) for e in errors] == [(2, "Longitude"), (3, "Longitude")]
    assert "swapped" in errors[0].reason and "outside Taiwan" in errors[1].reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("name,number,address\n" + GOOD_ROW + "\n", "missing columns: 工廠名稱"),
        (OFFICIAL_HEADER + ",工廠名稱\n" + GOOD_ROW + ",x\n", "duplicate header columns: 工廠名稱"),
    ],
)
def test_wrong_header_is_a_file_level_error(text: str, expected: str) -> None:
    with pytest.raises(RegistryFileError, match=expected):
        parse_registry(io.StringIO(text))


def test_unknown_extra_columns_are_reported_not_fatal() -> None:
    result = parse_registry(io.StringIO(OFFICIAL_HEADER + ",備註\n" + GOOD_ROW + ",x\n"))
    assert len(result.records) == 1 and result.ignored_columns == ("備註",)


def test_streaming_yields_in_file_order() -> None:
    text = OFFICIAL_HEADER + "\n" + GOOD_ROW + "\n只有,一欄\n"
    outcomes = list(iter_registry(io.StringIO(text)))
    assert [type(o).__name__ for o in outcomes] == ["FactoryRecord", "RowError"]


def test_non_utf8_file_is_a_file_level_error(tmp_path: Path) -> None:
    path = tmp_path / "big5.csv"
    path.write_bytes((OFFICIAL_HEADER + "\n" + GOOD_ROW + "\n").encode("big5"))
    with pytest.raises(RegistryFileError, match="not UTF-8"):
        parse_registry_file(path)
