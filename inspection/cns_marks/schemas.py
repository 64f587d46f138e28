"""Requests and responses of the CNS mark certificates."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from common.fields import SafeText
from common.pagination import Page
from inspection.certificates.schemas import StatusEventOut
from inspection.domain.status import CertificateStatus


class CnsMarkIn(BaseModel):
    number: str = Field(min_length=1, max_length=20, description="證書字號, e.g. 第 012345 號")
    cns_standard: str = Field(min_length=3, max_length=20, description="e.g. CNS 3476")
    product_name: SafeText = Field(min_length=1, max_length=200)
    firm_business_id: SafeText = Field(pattern=r"^[0-9]{8}$")
    firm_name: SafeText = Field(min_length=1, max_length=200)
    factory_name: SafeText = Field(min_length=1, max_length=200)
    factory_address: SafeText = Field(min_length=1, max_length=300)
    valid_from: date
    valid_until: date


class CnsMarkSummary(BaseModel):
    number: str
    cns_standard: str
    product_name: str
    firm_name: str
    factory_name: str
    status: CertificateStatus
    valid_from: date | None
    valid_until: date | None


class CnsMarkOut(CnsMarkSummary):
    firm_business_id: str
    factory_address: str
    history: list[StatusEventOut]


class CnsMarkPage(Page[CnsMarkSummary]):
    pass
