"""Typed immutable records of one factory registration (one row of dataset 6569)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CodedItem", "FactoryKind", "FactoryRecord"]


class FactoryKind(StrEnum):
    """The data class carried by the first character of the registration number."""

    GENERAL = "general"  # 一般工廠: first character is a digit
    TEMPORARY = "temporary"  # 臨時工廠: T
    MANAGED = "managed"  # 納管工廠: P (unregistered factories brought under management)
    SPECIFIC = "specific"  # 特定工廠: S

    @property
    def label_zh(self) -> str:
        return _LABELS_ZH[self]


_LABELS_ZH = {
    FactoryKind.GENERAL: "一般工廠",
    FactoryKind.TEMPORARY: "臨時工廠",
    FactoryKind.MANAGED: "納管工廠",
    FactoryKind.SPECIFIC: "特定工廠",
}


@dataclass(frozen=True, slots=True)
class CodedItem:
    """One entry of an industry or product list: DGBAS code plus name (name may be empty)."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class FactoryRecord:
    """One registered factory, normalised; field names are the stable keys of change reports."""

    registration_number: str
    kind: FactoryKind
    name: str
    business_id: str
    organization_type: str
    status: str
    address: str  # as published (full-width digits kept)
    address_key: str  # NFKC-folded, 台→臺, no spaces: for matching and dedup
    village: str  # 工廠市鎮鄉村里 as published
    county_code: str  # MOI 5-digit county code
    county_name: str
    township: str | None  # e.g. 中正區, parsed from the village field
    permit_number: str | None  # 工廠設立許可案號, spacing removed
    establishment_approved_on: dt.date | None
    registration_approved_on: dt.date | None
    industries: tuple[CodedItem, ...]
    products: tuple[CodedItem, ...]
    # 工廠負責人姓名 is a natural person's name: personal data, encrypt before storing it.
    owner_name: str | None = None
    website: str | None = None
    product_description: str | None = None
    material: str | None = None
    longitude: float | None = None
    latitude: float | None = None

    @property
    def industry_codes(self) -> frozenset[str]:
        return frozenset(item.code for item in self.industries)

    @property
    def product_codes(self) -> frozenset[str]:
        return frozenset(item.code for item in self.products)
