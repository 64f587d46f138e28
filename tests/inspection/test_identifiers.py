"""Identifier parsing for the public checks: what people type becomes one canonical form."""

from __future__ import annotations

from datetime import date

import pytest

from inspection.domain.identifiers import (
    CertificateKind,
    CertificateNumber,
    InvalidIdentifier,
    MarkId,
    MarkSeries,
    format_certificate_number,
    parse_certificate_number,
    parse_cns_mark_number,
    parse_cns_standard,
    parse_instrument_serial,
    parse_mark_id,
    roc_year,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("R33001", MarkId(MarkSeries.R, "33001")),
        ("r-33001", MarkId(MarkSeries.R, "33001")),
        (" Ｒ３３００１ ", MarkId(MarkSeries.R, "33001")),
        ("R 33001", MarkId(MarkSeries.R, "33001")),
        ("d3a001", MarkId(MarkSeries.D, "3A001")),
        ("T12345", MarkId(MarkSeries.T, "12345")),
        ("C 0001 2345", MarkId(MarkSeries.C, "00012345")),
    ],
)
def test_mark_ids_fold_full_width_case_and_separators(raw: str, expected: MarkId) -> None:
    assert parse_mark_id(raw) == expected


def test_a_mark_id_prints_as_series_and_code() -> None:
    assert str(MarkId(MarkSeries.Q, "00123")) == "Q00123"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("X12345", "starts with one of CTQMRD"),
        ("", "starts with one of"),
        ("R1234", "R-series mark ID is R \\+ 5 letters or digits"),
        ("R123456", "5 letters or digits"),
        ("C12AB56", "C-series mark ID is C \\+ 6-12 digits"),
        ("R12#45", "5 letters or digits"),
    ],
)
def test_malformed_mark_ids_say_what_is_expected(raw: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier, match=message):
        parse_mark_id(raw)


def test_certificate_numbers_round_trip() -> None:
    number = CertificateNumber(CertificateKind.RPC, 114, 123)
    assert str(number) == "RC114000123"
    assert parse_certificate_number("rc-114-000123") == number
    assert parse_certificate_number("ＴＡ１１３　００００４２") == CertificateNumber(
        CertificateKind.TYPE_APPROVAL, 113, 42
    )


@pytest.mark.parametrize("raw", ["XX114000123", "RC11400012", "RC1140001234", "RC114000000"])
def test_malformed_certificate_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidIdentifier, match="ROC year"):
        parse_certificate_number(raw)


def test_roc_year_and_format_bounds() -> None:
    assert roc_year(date(2025, 1, 1)) == 114
    assert format_certificate_number(CertificateKind.INSPECTION, 114, 7) == "IC114000007"
    with pytest.raises(ValueError, match="serial"):
        format_certificate_number(CertificateKind.INSPECTION, 114, 1_000_000)


@pytest.mark.parametrize(
    ("raw", "expected"), [("第 01234 號", "01234"), ("０１２３４", "01234"), ("1234567", "1234567")]
)
def test_cns_mark_numbers(raw: str, expected: str) -> None:
    assert parse_cns_mark_number(raw) == expected


def test_cns_mark_number_needs_digits() -> None:
    with pytest.raises(InvalidIdentifier):
        parse_cns_mark_number("第ABC號")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("cns15663", "CNS 15663"),
        ("ＣＮＳ　１５６６３－１", "CNS 15663-1"),
        ("CNS 3910", "CNS 3910"),
    ],
)
def test_cns_standard_numbers_get_their_written_form(raw: str, expected: str) -> None:
    assert parse_cns_standard(raw) == expected


def test_cns_standard_number_refuses_other_text() -> None:
    with pytest.raises(InvalidIdentifier):
        parse_cns_standard("ISO 9001")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" ab 12-3 ", "AB12-3"), ("ｓｎ．００９", "SN.009"), ("W2024-000123", "W2024-000123")],
)
def test_instrument_serials_fold_but_keep_hyphens_and_dots(raw: str, expected: str) -> None:
    assert parse_instrument_serial(raw) == expected


@pytest.mark.parametrize("raw", ["", "-A1", "A/1", "A" * 41, "序號1"])
def test_instrument_serials_refuse_unsafe_or_empty_text(raw: str) -> None:
    with pytest.raises(InvalidIdentifier):
        parse_instrument_serial(raw)
