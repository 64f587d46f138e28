"""Requests and responses of the marks and certificates registry."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from common.fields import SafeText
from inspection.domain.identifiers import CertificateKind
from inspection.domain.status import CertificateAction, CertificateStatus

BusinessId = SafeText
Name = SafeText


class SafetyMarkIn(BaseModel):
    mark_id: str = Field(min_length=2, max_length=20, description="e.g. R33001")
    holder_business_id: BusinessId = Field(pattern=r"^[0-9]{8}$")
    holder_name: Name = Field(min_length=1, max_length=200)


class SafetyMarkOut(BaseModel):
    mark_id: str
    series: str
    holder_business_id: str
    holder_name: str


class CertificateIn(BaseModel):
    """A certificate to issue; its number is assigned by the service."""

    kind: CertificateKind
    holder_business_id: BusinessId = Field(pattern=r"^[0-9]{8}$")
    holder_name: Name = Field(min_length=1, max_length=200)
    contact_name: Name | None = Field(default=None, max_length=100, description="Personal data")
    contact_phone: SafeText | None = Field(default=None, pattern=r"^\+?[0-9\- ]{6,20}$")
    product_name: Name = Field(min_length=1, max_length=200)
    models: list[Name] = Field(default_factory=list, max_length=100)
    standards: list[Name] = Field(default_factory=list, max_length=20)
    mark_id: str | None = Field(default=None, max_length=20)
    valid_from: date
    valid_until: date


class CertificateActionIn(BaseModel):
    """Reissue needs new dates; suspend and revoke need a reason."""

    reason: SafeText = Field(default="", max_length=1000)
    valid_from: date | None = None
    valid_until: date | None = None


class StatusEventOut(BaseModel):
    action: CertificateAction
    at: datetime
    reason: str
    valid_from: date | None
    valid_until: date | None


class CertificateOut(BaseModel):
    number: str
    kind: CertificateKind
    status: CertificateStatus
    holder_business_id: str
    holder_name: str
    product_name: str
    models: list[str]
    standards: list[str]
    mark_id: str | None
    valid_from: date | None
    valid_until: date | None
    history: list[StatusEventOut]


class ContactOut(BaseModel):
    """The holder's contact person (personal data: each read is audited)."""

    contact_name: str | None
    contact_phone: str | None
