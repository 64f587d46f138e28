"""Input types of the tax_exemption API: business IDs, CCC codes, units, quantities, text."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from common.business_id import is_valid_business_id
from common.ccc_code import normalise_ccc
from common.fields import SafeText
from tax_exemption.domain.units import normalise_unit

__all__ = [
    "BusinessId",
    "CccCode",
    "Country",
    "Currency",
    "Email",
    "Quantity",
    "Text",
    "UnitCode",
    "Words",
]

# Beyond any real declaration line; larger figures are typos (or attacks), not goods.
MAX_QUANTITY = Decimal("1e12")


def _business_id(value: str) -> str:
    if not is_valid_business_id(value):
        raise PydanticCustomError("business_id", "not a valid 統一編號 (8 digits, mod-5 checksum)")
    return value


def _ccc(value: str) -> str:
    code = normalise_ccc(value)
    if code is None:
        raise PydanticCustomError("ccc_code", "a CCC code is 11 digits (separators allowed)")
    return code


def _unit(value: str) -> str:
    code = normalise_unit(value)
    if code is None:
        raise PydanticCustomError("unit", "unknown unit code")
    return code


def _currency(value: str) -> str:
    return "TWD" if value == "NTD" else value  # customs writes NTD for the ISO code TWD


BusinessId = Annotated[str, Field(pattern=r"^[0-9]{8}$"), AfterValidator(_business_id)]
CccCode = Annotated[str, Field(min_length=11, max_length=30), AfterValidator(_ccc)]
UnitCode = Annotated[str, Field(min_length=1, max_length=10), AfterValidator(_unit)]
Quantity = Annotated[Decimal, Field(gt=0, le=MAX_QUANTITY, max_digits=18, decimal_places=3)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$"), AfterValidator(_currency)]
# A pragmatic shape check; whether the mailbox exists only a delivery can tell.
Email = Annotated[str, Field(pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$", max_length=254)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Text = Annotated[SafeText, Field(min_length=1, max_length=500)]
Words = Annotated[SafeText, Field(max_length=500)]
