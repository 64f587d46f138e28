"""Requests and responses of the metrology registry."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, Field, model_validator

from common.fields import SafeText
from inspection.domain.metrology_instruments import InstrumentKind
from inspection.domain.status import CertificateStatus


class VerificationKind(StrEnum):
    INITIAL = "initial"  # 檢定 of a new instrument
    REVERIFICATION = "reverification"  # 重新檢定 before the sticker runs out


class VerificationResult(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


class InstrumentIn(BaseModel):
    """An instrument and its owner: a firm (public name) or a natural person (encrypted)."""

    kind: InstrumentKind
    maker: SafeText = Field(min_length=1, max_length=200)
    model: SafeText = Field(min_length=1, max_length=100)
    serial: str = Field(min_length=1, max_length=60)
    owner_business_id: SafeText | None = Field(default=None, pattern=r"^[0-9]{8}$")
    owner_firm_name: SafeText | None = Field(default=None, min_length=1, max_length=200)
    owner_person_name: SafeText | None = Field(default=None, min_length=1, max_length=100)
    owner_phone: SafeText | None = Field(default=None, pattern=r"^\+?[0-9\- ]{6,20}$")
    location: SafeText = Field(min_length=1, max_length=300)

    @model_validator(mode="after")
    def _one_owner(self) -> Self:
        firm = self.owner_business_id is not None and self.owner_firm_name is not None
        person = self.owner_person_name is not None
        if firm == person:
            raise ValueError("give either owner_business_id + owner_firm_name or owner_person_name")
        return self


class VerificationIn(BaseModel):
    kind: VerificationKind


class ResultIn(BaseModel):
    result: VerificationResult
    verified_on: date
    sticker_number: SafeText | None = Field(default=None, max_length=40)
    note: SafeText = Field(default="", max_length=1000)


class VerificationOut(BaseModel):
    id: int
    kind: VerificationKind
    status: str
    applied_at: datetime
    decided_at: datetime | None
    verified_on: date | None
    valid_until: date | None
    sticker_number: str | None


class InstrumentOut(BaseModel):
    id: int
    kind: InstrumentKind
    maker: str
    model: str
    serial: str
    owner_business_id: str | None
    owner_firm_name: str | None
    location: str
    sticker_status: CertificateStatus
    verifications: list[VerificationOut]
