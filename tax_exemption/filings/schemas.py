"""Requests and responses of filings: duty-exemption applications and refund standards."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.fields import SafeText
from tax_exemption.domain.workflow import FilingStatus
from tax_exemption.fields import (
    BusinessId,
    CccCode,
    Country,
    Currency,
    Email,
    Quantity,
    Text,
    UnitCode,
    Words,
)

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


class FilingKind(StrEnum):
    DUTY_EXEMPTION = "duty_exemption"  # 國內無產製減免稅捐證明
    REFUND_STANDARD = "refund_standard"  # 外銷品原料核退標準


class Channel(StrEnum):
    ONLINE = "online"  # filed through this API
    COUNTER = "counter"  # paper filing registered by an officer


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemIn(_Strict):
    ccc_code: CccCode = Field(
        description="貨品分類號列, 11 digits; the check digit is not validated"
    )
    description: Text
    model: Words = ""
    spec: Words = ""
    quantity: Quantity
    unit: UnitCode
    unit_value: Annotated[Decimal, Field(ge=0, le=Decimal("1e13"), max_digits=18, decimal_places=2)]
    currency: Currency
    origin_country: Country
    purpose: Words = ""


class AttachmentIn(_Strict):
    """Metadata of a document kept by the document store; the file itself is not sent here."""

    name: Annotated[SafeText, Field(min_length=1, max_length=200)]
    media_type: Annotated[str, Field(pattern=r"^[a-z]+/[a-z0-9.+-]+$", max_length=100)]
    size_bytes: Annotated[int, Field(ge=1, le=MAX_ATTACHMENT_BYTES)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    electronic: bool = Field(default=True, description="False for a scanned paper original")


class MaterialIn(_Strict):
    ccc_code: CccCode
    description: Text
    usage_per_unit: Quantity = Field(description="Raw material used per unit of the product")
    usage_unit: UnitCode


class RefundProductIn(_Strict):
    """One export product and the imported raw materials one unit of it consumes."""

    ccc_code: CccCode
    description: Text
    unit: UnitCode
    materials: Annotated[list[MaterialIn], Field(min_length=1, max_length=50)]


class ContactIn(_Strict):
    """The contact person (personal data: stored encrypted)."""

    name: Annotated[SafeText, Field(min_length=1, max_length=100)]
    phone: Annotated[str, Field(pattern=r"^[0-9+()#\- ]{6,30}$")]
    email: Email


class FilingIn(_Strict):
    kind: FilingKind
    business_id: BusinessId | None = Field(
        default=None, description="The applicant; defaults to the caller's own business ID"
    )
    purpose: Text
    contact: ContactIn
    items: Annotated[list[ItemIn], Field(max_length=200)] = []
    refund_products: Annotated[list[RefundProductIn], Field(max_length=50)] = []
    attachments: Annotated[list[AttachmentIn], Field(max_length=20)] = []

    @model_validator(mode="after")
    def _content_fits_kind(self) -> Self:
        if self.kind is FilingKind.DUTY_EXEMPTION and (not self.items or self.refund_products):
            raise ValueError("a duty-exemption filing lists items and no refund products")
        if self.kind is FilingKind.REFUND_STANDARD and (not self.refund_products or self.items):
            raise ValueError("a refund-standard filing lists refund products and no items")
        return self


class MessageIn(_Strict):
    message: Annotated[SafeText, Field(min_length=1, max_length=4000)]


class ItemDecisionIn(_Strict):
    item_no: Annotated[int, Field(ge=1, le=200)]
    approved_quantity: Quantity | None = None
    rejection_reason: Annotated[SafeText, Field(min_length=1, max_length=1000)] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.approved_quantity is None) == (self.rejection_reason is None):
            raise ValueError("give either approved_quantity or rejection_reason")
        return self


class DecisionIn(_Strict):
    """Duty exemption: one decision per item. Refund standard: ``approve`` for the whole."""

    items: Annotated[list[ItemDecisionIn], Field(max_length=200)] = []
    approve: bool | None = None
    reason: Annotated[SafeText, Field(max_length=2000)] | None = None


class ItemOut(BaseModel):
    item_no: int
    ccc_code: str
    description: str
    model: str
    spec: str
    quantity: Decimal
    unit: str
    unit_value: Decimal
    currency: str
    origin_country: str
    purpose: str
    decision: Literal["approved", "rejected"] | None
    approved_quantity: Decimal | None
    rejection_reason: str | None


class SupplementOut(BaseModel):
    id: int
    request: str
    requested_at: datetime
    answer: str | None
    answered_at: datetime | None


class ContactOut(BaseModel):
    name: str
    phone: str
    email: str


class FilingSummary(BaseModel):
    id: int
    kind: FilingKind
    business_id: str
    agent_business_id: str | None
    status: FilingStatus
    version: int
    channel: Channel
    purpose: str
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None


class FilingOut(FilingSummary):
    electronic: bool
    contact: ContactOut | None
    items: list[ItemOut]
    refund_products: list[RefundProductIn]
    attachments: list[AttachmentIn]
    supplements: list[SupplementOut]
    decision_reason: str | None
    certificate_no: str | None


class FilingFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: FilingStatus | None = None
    kind: FilingKind | None = None
    business_id: Annotated[str, Field(pattern=r"^[0-9]{8}$")] | None = None
    submitted_from: date | None = None
    submitted_until: date | None = None
