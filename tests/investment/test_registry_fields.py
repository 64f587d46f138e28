"""Field parsers of the registry: ROC dates, code lists, identifiers, addresses, coordinates."""

from __future__ import annotations

import datetime as dt

import pytest

from investment.registry.addresses import address_key, locate, township_of
from investment.registry.code_lists import split_industries, split_products
from investment.registry.coordinates import parse_coordinates
from investment.registry.errors import FieldError
from investment.registry.identifiers import (
    normalize_permit_number,
    parse_business_id,
    parse_registration_number,
)
from investment.registry.records import CodedItem, FactoryKind
from investment.registry.roc_dates import parse_roc_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0960118", dt.date(2007, 1, 18)),
        ("1010913000000", dt.date(2012, 9, 13)),
        ("1141231235959", dt.date(2025, 12, 31)),
        (" 0750705 ", dt.date(1986, 7, 5)),
        ("", None),
    ],
)
def test_roc_dates(text: str, expected: dt.date | None) -> None:
    assert parse_roc_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("960118", "7 .*or 13"),
        ("0960230", "not a calendar date"),
        ("0000101", "year 000"),
        ("1010913250000", "time part"),
        ("096-01-18", "7 .*or 13"),
    ],
)
def test_bad_roc_dates(text: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        parse_roc_date(text)


def test_industry_names_containing_the_separator_stay_whole() -> None:
    text = (
        "18化學原材料、肥料、氮化合物、塑橡膠原料及人造纖維製造業、"
        "26電子零組件製造業、27電腦、電子產品及光學製品製造業"
    )
    assert split_industries(text) == (
        CodedItem("18", "化學原材料、肥料、氮化合物、塑橡膠原料及人造纖維製造業"),
        CodedItem("26", "電子零組件製造業"),
        CodedItem("27", "電腦、電子產品及光學製品製造業"),
    )
    assert len(text.split("、")) == 7  # what a naive split on 、 would give


def test_duplicates_dropped_and_order_kept() -> None:
    assert split_industries("11紡織業、11紡織業、33其他製造業") == (
        CodedItem("11", "紡織業"),
        CodedItem("33", "其他製造業"),
    )


def test_products_with_separator_and_code_only_entries() -> None:
    assert split_products("231玻璃及其製品、232耐火、黏土建材及其他陶瓷製品、2499990") == (
        CodedItem("231", "玻璃及其製品"),
        CodedItem("232", "耐火、黏土建材及其他陶瓷製品"),
        CodedItem("2499990", ""),
    )


@pytest.mark.parametrize(
    ("text", "reason"), [("電子業", "start with a code"), ("07農業", "08-33"), ("26電子、", "ends")]
)
def test_bad_industry_lists(text: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        split_industries(text)


@pytest.mark.parametrize(
    ("text", "number", "kind"),
    [
        ("99667269", "99667269", FactoryKind.GENERAL),
        ("T1234567", "T1234567", FactoryKind.TEMPORARY),
        ("p1234567", "P1234567", FactoryKind.MANAGED),
        ("Ｓ8000001", "S8000001", FactoryKind.SPECIFIC),
    ],
)
def test_registration_number_kinds(text: str, number: str, kind: FactoryKind) -> None:
    assert parse_registration_number(text) == (number, kind)


@pytest.mark.parametrize("text", ["X1234567", "1234567", "T12345678", ""])
def test_bad_registration_numbers(text: str) -> None:
    with pytest.raises(FieldError, match="registration number"):
        parse_registration_number(text)


def test_permit_number_spacing_and_business_id() -> None:
    assert normalize_permit_number("86 96   001") == "8696001"
    assert normalize_permit_number("  ") is None
    assert parse_business_id("04595252") == "04595252"  # valid only under the 2023 rule
    with pytest.raises(FieldError, match="checksum"):
        parse_business_id("88117126")
    with pytest.raises(FieldError, match="required"):
        parse_business_id("")


def test_address_key_and_county_lookup() -> None:
    assert address_key("台北市 中正區 重慶南路１段１２２號") == "臺北市中正區重慶南路1段122號"
    county, township = locate("台南縣新市鄉", "")
    assert (county.code, county.name, township) == ("67000", "臺南市", "新市鄉")
    county, township = locate("", "桃園市平鎮區東勢里1號")
    assert (county.code, township) == ("68000", "平鎮區")
    assert township_of("馬公市鐵線里") == "馬公市"
    with pytest.raises(FieldError, match="no Taiwan county"):
        locate("北京市", "北京市朝陽區")


def test_coordinates() -> None:
    assert parse_coordinates("118.3", "24.45") == (118.3, 24.45)  # Kinmen is inside the bounds
    assert parse_coordinates("", "") == (None, None)
    for lon, lat, reason in [
        ("121.5", "", "both"),
        ("abc", "25", "not a number"),
        ("nan", "25", "finite"),
    ]:
        with pytest.raises(FieldError, match=reason):
            parse_coordinates(lon, lat)
