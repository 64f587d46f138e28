"""Identifiers of a row: registration number (工廠登記編號) and its factory kind, permit number
(工廠設立許可案號), business ID (統一編號)."""

from __future__ import annotations

import re
import unicodedata

from common.business_id import is_valid_business_id
from investment.registry.errors import FieldError
from investment.registry.records import FactoryKind

__all__ = [
    "factory_kind",
    "normalize_permit_number",
    "parse_business_id",
    "parse_registration_number",
]

_KIND_BY_PREFIX = {"T": FactoryKind.TEMPORARY, "P": FactoryKind.MANAGED, "S": FactoryKind.SPECIFIC}
_REGISTRATION = re.compile(r"[0-9TPS][0-9]{7}")
_WHITESPACE = re.compile(r"\s+")


def parse_registration_number(text: str) -> tuple[str, FactoryKind]:
    """'99667269' -> general, 'S8000001' -> specific; anything else -> FieldError."""
    value = unicodedata.normalize("NFKC", text).strip().upper()
    if not _REGISTRATION.fullmatch(value):
        raise FieldError(
            f"registration number must be 8 characters, a digit or T/P/S then 7 digits: {text!r}"
        )
    return value, factory_kind(value)


def factory_kind(registration_number: str) -> FactoryKind:
    """The kind is the first character: digit 一般, T 臨時, P 納管, S 特定."""
    first = registration_number[:1]
    if first.isdigit():
        return FactoryKind.GENERAL
    try:
        return _KIND_BY_PREFIX[first]
    except KeyError:
        raise FieldError(f"unknown factory kind prefix {first!r}") from None


def normalize_permit_number(text: str) -> str | None:
    """'86 96   001' -> '8696001': the published spacing is layout, not part of the number."""
    value = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    if not value:
        return None
    if not value.isascii() or not value.isalnum():
        raise FieldError(f"permit number may hold only letters and digits: {text!r}")
    return value


def parse_business_id(text: str) -> str:
    """Eight digits passing the 2023 mod-5 checksum (common.business_id), else FieldError."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        raise FieldError("business ID is required")
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise FieldError(f"business ID must be 8 digits: {text!r}")
    if not is_valid_business_id(value):
        raise FieldError(f"business ID {value} fails the checksum")
    return value
