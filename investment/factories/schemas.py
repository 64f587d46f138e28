"""Response bodies of the public registry reads (no personal data: the owner is left out)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class CodedItemOut(BaseModel):
    code: str
    name: str


class FactoryOut(BaseModel):
    registration_number: str
    kind: str
    name: str
    business_id: str
    organization_type: str
    status: str
    address: str
    county_code: str
    county_name: str
    township: str | None
    establishment_approved_on: dt.date | None
    registration_approved_on: dt.date | None
    industries: list[CodedItemOut]
    products: list[CodedItemOut]
    longitude: float | None
    latitude: float | None
    in_registry: bool
