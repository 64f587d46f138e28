"""The dataset 6569 header: which column holds which field, or a file-level error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from investment.registry.errors import RegistryFileError

__all__ = ["Columns", "read_header"]

# Official columns (工廠負責人姓名 is optional: redacted copies drop it).
NAME = "工廠名稱"
REGISTRATION_NUMBER = "工廠登記編號"
PERMIT_NUMBER = "工廠設立許可案號"
ADDRESS = "工廠地址"
VILLAGE = "工廠市鎮鄉村里"
OWNER_NAME = "工廠負責人姓名"
BUSINESS_ID = "統一編號"
BUSINESS_ID_OLD = "營利事業統一編號"  # header of older releases
ORGANIZATION_TYPE = "工廠組織型態"
ESTABLISHMENT_DATE = "工廠設立核准日期"
REGISTRATION_DATE = "工廠登記核准日期"
STATUS = "工廠登記狀態"
INDUSTRIES = "產業類別"
PRODUCTS = "主要產品"
# kiang/factory_2021 enrichment from egis.moea.gov.tw (all optional).
WEB_URL = "WebURL"
PRODUCT_NAME = "ProductName"
MATERIAL = "Material"
LONGITUDE = "Longitude"
LATITUDE = "Latitude"

_REQUIRED = (
    NAME,
    REGISTRATION_NUMBER,
    PERMIT_NUMBER,
    ADDRESS,
    VILLAGE,
    BUSINESS_ID,
    ORGANIZATION_TYPE,
    ESTABLISHMENT_DATE,
    REGISTRATION_DATE,
    STATUS,
    INDUSTRIES,
    PRODUCTS,
)
_OPTIONAL = (OWNER_NAME, WEB_URL, PRODUCT_NAME, MATERIAL, LONGITUDE, LATITUDE)
_ALIASES = {BUSINESS_ID_OLD: BUSINESS_ID}


@dataclass(frozen=True, slots=True)
class Columns:
    """Index of each known column in a row, the row width, and the columns left unread."""

    index: Mapping[str, int]
    width: int
    ignored: tuple[str, ...]

    def get(self, row: Sequence[str], column: str) -> str:
        """The cell of `column`, or '' when the file does not carry that optional column."""
        position = self.index.get(column)
        return "" if position is None else row[position]


def read_header(header: Sequence[str]) -> Columns:
    """Map canonical column names to positions; RegistryFileError if the file is not 6569."""
    names = [_canonical(cell) for cell in header]
    duplicates = sorted({name for name in names if names.count(name) > 1 and name})
    if duplicates:
        raise RegistryFileError(f"duplicate header columns: {', '.join(duplicates)}")
    missing = tuple(column for column in _REQUIRED if column not in names)
    if missing:
        raise RegistryFileError(
            "not a factory registry (dataset 6569) header; missing columns: " + ", ".join(missing),
            missing=missing,
        )
    known = set(_REQUIRED) | set(_OPTIONAL)
    return Columns(
        index={name: position for position, name in enumerate(names) if name in known},
        width=len(names),
        ignored=tuple(name for name in names if name not in known),
    )


def _canonical(cell: str) -> str:
    name = cell.lstrip("\ufeff").strip()
    return _ALIASES.get(name, name)
