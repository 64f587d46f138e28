"""Requests and responses of inspection applications."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from common.fields import SafeText
from common.pagination import Page
from inspection.domain.documents import DocumentKind
from inspection.domain.stages import ActionKind, Stage

Text200 = SafeText


class ApplicationIn(BaseModel):
    """A new draft. ``scheme`` takes the identifier (``batch``) or the Chinese name."""

    scheme: SafeText = Field(min_length=1, max_length=40, examples=["batch", "驗證登錄"])
    applicant_name: Text200 = Field(min_length=1, max_length=200)
    ccc_code: SafeText = Field(min_length=1, max_length=30, examples=["8516.10.00.00-7"])
    product_name: Text200 = Field(min_length=1, max_length=200)
    quantity: int = Field(ge=1, le=1_000_000_000)
    unit: SafeText = Field(min_length=1, max_length=20, examples=["PCE"])
    port: SafeText | None = Field(default=None, max_length=100)
    rpc_modules: SafeText | None = Field(default=None, max_length=20, examples=["2+3"])
    type_approval_number: SafeText | None = Field(default=None, max_length=30)


class ApplicationPatch(BaseModel):
    """Changes to a draft; absent fields stay as they are."""

    applicant_name: Text200 | None = Field(default=None, min_length=1, max_length=200)
    ccc_code: SafeText | None = Field(default=None, min_length=1, max_length=30)
    product_name: Text200 | None = Field(default=None, min_length=1, max_length=200)
    quantity: int | None = Field(default=None, ge=1, le=1_000_000_000)
    unit: SafeText | None = Field(default=None, min_length=1, max_length=20)
    port: SafeText | None = Field(default=None, max_length=100)
    rpc_modules: SafeText | None = Field(default=None, max_length=20)
    type_approval_number: SafeText | None = Field(default=None, max_length=30)


class DocumentIn(BaseModel):
    """Metadata of an attachment (the file itself lives in object storage)."""

    kind: DocumentKind
    filename: SafeText = Field(min_length=1, max_length=255)
    media_type: SafeText = Field(pattern=r"^[a-z]+/[a-z0-9.+\-]+$", max_length=100)
    size_bytes: int = Field(ge=1, le=100 * 1024 * 1024)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class DocumentOut(DocumentIn):
    id: int
    created_at: datetime


class ActionIn(BaseModel):
    """What an action needs: ``reason`` (return, fail), ``notice_number`` and ``served_at``
    (fail), ``mark_id`` and ``valid_until`` (pass)."""

    reason: SafeText = Field(default="", max_length=1000)
    notice_number: SafeText | None = Field(default=None, max_length=40)
    served_at: datetime | None = None
    mark_id: SafeText | None = Field(default=None, max_length=20)
    valid_until: date | None = None


class FailureOut(BaseModel):
    notice_number: str
    served_at: datetime
    reason: str
    reinspection_last_day: date = Field(description="Last Taipei date to request re-inspection")


class ApplicationOut(BaseModel):
    id: int
    business_id: str
    applicant_name: str
    scheme: str
    stage: Stage
    ccc_code: str
    product_name: str
    quantity: int
    unit: str
    port: str | None
    rpc_modules: str | None
    type_approval_number: str | None
    certificate_number: str | None
    mark_id: str | None
    failure: FailureOut | None
    reinspections_used: int
    return_reason: str | None
    documents: list[DocumentOut]
    allowed_actions: list[ActionKind] = Field(description="What the caller may do next")
    version: int
    created_at: datetime
    updated_at: datetime


class ApplicationSummary(BaseModel):
    id: int
    business_id: str
    scheme: str
    stage: Stage
    product_name: str
    updated_at: datetime


class ApplicationPage(Page[ApplicationSummary]):
    pass
