"""Identifiers the public checks look up, with the normalisation applied to what people type.

Commodity safety mark IDs (商品安全標章識別號碼) follow 商品檢驗標識使用辦法 (Regulations
Governing the Use of Commodity Inspection Mark) art. 3, read in its English text on
law.moea.gov.tw (amended 2026-01-21): the ID is a series letter plus a number or designated code:
  C  batch inspection and monitoring inspection: stickers printed by BSMI, a number sequence;
  T  type-approved goods the applicant may print itself, designated code;
  Q  goods from makers whose management system BSMI certified, self-printed, designated code;
  M  other goods BSMI lets the applicant print for, designated code;
  R  registration of product certification (驗證登錄), designated code;
  D  declaration of conformity (符合性聲明), designated code.
The designated code identifies the holder (one R code covers that firm's RPC certificates); a C
number identifies one sticker. UNVERIFIED: code lengths. We accept 5 letters/digits for designated
codes (the familiar R33001 shape) and 6-12 digits for C numbers; adjust when BSMI confirms.

Certificate numbers are this service's own format (BSMI's internal formats are not published):
kind prefix + ROC year (3 digits) + 6-digit serial, e.g. RC114000123. CNS mark certificate
numbers (正字標記證書字號) are digits, written with or without 第…號 (UNVERIFIED length 4-10).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "CertificateKind",
    "CertificateNumber",
    "InvalidIdentifier",
    "MarkId",
    "MarkSeries",
    "fold",
    "format_certificate_number",
    "parse_certificate_number",
    "parse_cns_mark_number",
    "parse_cns_standard",
    "parse_instrument_serial",
    "parse_mark_id",
    "roc_year",
]

_ROC_EPOCH = 1911


class InvalidIdentifier(ValueError):
    """The text is not an identifier of the requested kind; the message says what is expected."""


class MarkSeries(StrEnum):
    """The series letter (字軌) of a commodity safety mark ID."""

    C = "C"
    T = "T"
    Q = "Q"
    M = "M"
    R = "R"
    D = "D"


class CertificateKind(StrEnum):
    """Certificates this service issues; the value is the number's prefix."""

    INSPECTION = "IC"  # 檢驗合格證書 (batch / type-approval batch / monitoring)
    TYPE_APPROVAL = "TA"  # 型式認可證書
    RPC = "RC"  # 商品驗證登錄證書
    DOC = "DC"  # 符合性聲明 registration
    METROLOGY_TYPE_APPROVAL = "MA"  # 度量衡器型式認證證書


@dataclass(frozen=True, slots=True)
class MarkId:
    """A commodity safety mark ID such as R33001."""

    series: MarkSeries
    code: str

    def __str__(self) -> str:
        return f"{self.series.value}{self.code}"


@dataclass(frozen=True, slots=True)
class CertificateNumber:
    """A certificate number such as RC114000123."""

    kind: CertificateKind
    roc_year: int
    serial: int

    def __str__(self) -> str:
        return format_certificate_number(self.kind, self.roc_year, self.serial)


_DESIGNATED_CODE = re.compile(r"[0-9A-Z]{5}")
_STICKER_NUMBER = re.compile(r"[0-9]{6,12}")
_CERTIFICATE = re.compile(r"(?P<kind>[A-Z]{2})(?P<year>[0-9]{3})(?P<serial>[0-9]{6})")
_CNS_MARK = re.compile(r"第?(?P<digits>[0-9]{4,10})號?")
_CNS_STANDARD = re.compile(r"CNS(?P<number>[0-9]{1,6})(?:-(?P<part>[0-9]{1,3}))?")
_SERIAL = re.compile(r"[0-9A-Z][0-9A-Z.\-]{0,39}")
_SEPARATORS = str.maketrans("", "", " \t-_.")


def fold(raw: str) -> str:
    """NFKC (full-width to ASCII), trimmed, upper case: the first step for every identifier."""
    return unicodedata.normalize("NFKC", raw).strip().upper()


def parse_mark_id(raw: str) -> MarkId:
    """``R33001``, ``r-33001``, ``Ｒ３３００１``, ``R 33001`` -> MarkId(R, '33001')."""
    text = fold(raw).translate(_SEPARATORS)
    series = _series(text[:1])
    code = text[1:]
    pattern = _STICKER_NUMBER if series is MarkSeries.C else _DESIGNATED_CODE
    if pattern.fullmatch(code) is None:
        expected = "6-12 digits" if series is MarkSeries.C else "5 letters or digits"
        raise InvalidIdentifier(f"a {series.value}-series mark ID is {series.value} + {expected}")
    return MarkId(series, code)


def _series(letter: str) -> MarkSeries:
    try:
        return MarkSeries(letter)
    except ValueError:
        letters = "".join(MarkSeries)
        raise InvalidIdentifier(f"a mark ID starts with one of {letters}") from None


def roc_year(day: date) -> int:
    """The Republic of China (民國) year of ``day``: 2025 -> 114."""
    return day.year - _ROC_EPOCH


def format_certificate_number(kind: CertificateKind, year: int, serial: int) -> str:
    """``RC`` + 3-digit ROC year + 6-digit serial."""
    if not 1 <= year <= 999 or not 1 <= serial <= 999_999:
        raise ValueError("ROC year must be 1-999 and serial 1-999999")
    return f"{kind.value}{year:03d}{serial:06d}"


def parse_certificate_number(raw: str) -> CertificateNumber:
    """``rc-114-000123`` or ``ＲＣ１１４０００１２３`` -> CertificateNumber(RPC, 114, 123)."""
    match = _CERTIFICATE.fullmatch(fold(raw).translate(_SEPARATORS))
    kinds = {kind.value: kind for kind in CertificateKind}
    if match is None or match["kind"] not in kinds or int(match["serial"]) == 0:
        prefixes = "/".join(kinds)
        raise InvalidIdentifier(
            f"a certificate number is {prefixes} + 3-digit ROC year + 6-digit serial"
        )
    return CertificateNumber(kinds[match["kind"]], int(match["year"]), int(match["serial"]))


def parse_cns_mark_number(raw: str) -> str:
    """A CNS mark certificate number as its digits: ``第 01234 號`` -> ``01234``."""
    match = _CNS_MARK.fullmatch(fold(raw).translate(_SEPARATORS))
    if match is None:
        raise InvalidIdentifier("a CNS mark certificate number is 4-10 digits")
    return match["digits"]


def parse_cns_standard(raw: str) -> str:
    """A CNS standard number in its written form: ``cns15663-1`` -> ``CNS 15663-1``."""
    text = fold(raw).replace(" ", "").replace("\u3000", "")
    match = _CNS_STANDARD.fullmatch(text)
    if match is None:
        raise InvalidIdentifier("a CNS standard number is CNS + digits, optionally -part")
    number = f"CNS {int(match['number'])}"
    return f"{number}-{int(match['part'])}" if match["part"] else number


def parse_instrument_serial(raw: str) -> str:
    """A maker's instrument serial, folded and without spaces; hyphens and dots are kept."""
    text = "".join(fold(raw).split())
    if _SERIAL.fullmatch(text) is None:
        raise InvalidIdentifier(
            "an instrument serial is 1-40 letters, digits, '-' or '.', starting alphanumeric"
        )
    return text
