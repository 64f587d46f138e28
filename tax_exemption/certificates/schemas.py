"""Requests and responses of certificates (證明) and their item balances."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.fields import SafeText
from tax_exemption.domain.workflow import CertificateStatus
from tax_exemption.fields import Quantity

Reason = Annotated[SafeText, Field(min_length=1, max_length=2000)]


class IssueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valid_from: date
    valid_until: date
    ten_digit_rule: bool = Field(
        default=False, description="Declarations must agree on 10 CCC digits instead of 8"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until precedes valid_from")
        return self


class ItemAmendment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_no: Annotated[int, Field(ge=1, le=200)]
    approved_quantity: Quantity


class AmendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valid_until: date | None = None
    items: Annotated[list[ItemAmendment], Field(max_length=200)] = []
    reason: Reason


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class CertificateItemOut(BaseModel):
    item_no: int
    ccc_code: str
    description: str
    model: str
    spec: str
    unit: str
    approved_quantity: Decimal
    balance: Decimal


class CertificateOut(BaseModel):
    certificate_no: str
    filing_id: int
    business_id: str
    kind: str
    valid_from: date
    valid_until: date
    ten_digit_rule: bool
    status: CertificateStatus
    revision: int
    status_reason: str | None
    issued_at: datetime
    items: list[CertificateItemOut]
