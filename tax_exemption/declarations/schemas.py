"""Declaration lines as the API takes them (JSON, or CSV / XML in the customs field layout)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.fields import SafeText
from tax_exemption.fields import BusinessId, CccCode, Country, Quantity, Text, UnitCode, Words

DeclarationNo = Annotated[str, Field(pattern=r"^[A-Z0-9/]{4,20}$", description="報單號碼 DECLNO")]
CertificateNo = Annotated[SafeText, Field(min_length=4, max_length=30)]


class LineAction(StrEnum):
    """What the line does to earlier versions of the same (DECLNO, ITEMNO)."""

    DECLARE = "declare"  # new, or an amendment when the content differs from the current one
    CANCEL = "cancel"  # 取消: reverses any drawdown and takes the line out of matching


class DeclarationLineIn(BaseModel):
    """One item line of an import declaration (進口報單)."""

    model_config = ConfigDict(extra="forbid")

    declaration_no: DeclarationNo
    item_no: Annotated[int, Field(ge=1, le=9999, description="項次 ITEM_NO")]
    importer_ban: BusinessId = Field(description="進口人統一編號 SHPR_BAN_ID")
    ccc_code: CccCode
    description: Text
    goods_model: Words = ""
    goods_spec: Words = ""
    quantity: Quantity
    doc_unit: UnitCode
    stat_quantity: Quantity | None = None
    stat_unit: UnitCode | None = None
    origin_country: Country
    cited_certificate_no: CertificateNo | None = Field(default=None, description="CERT_NO")
    cited_item_no: Annotated[int, Field(ge=1, le=9999)] | None = Field(
        default=None, description="CERT_NO_ITEM"
    )
    declaration_date: date
    action: LineAction = LineAction.DECLARE

    @model_validator(mode="after")
    def _pairs_filled_together(self) -> Self:
        # Customs fills these pairs together or not at all.
        if (self.stat_quantity is None) != (self.stat_unit is None):
            raise ValueError("ST_QTY and ST_UM go together")
        if (self.cited_certificate_no is None) != (self.cited_item_no is None):
            raise ValueError("CERT_NO and CERT_NO_ITEM go together")
        return self


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: Annotated[list[DeclarationLineIn], Field(min_length=1, max_length=100_000)]


class BatchOut(BaseModel):
    id: int
    agency: str = Field(description="The agency whose case the batch is")
    source: str
    filename: str | None
    status: str
    line_count: int
    counts: dict[str, int]
    created_at: datetime
    matched_at: datetime | None


class LineOut(BaseModel):
    id: int
    declaration_no: str
    item_no: int
    version: int
    kind: str
    is_current: bool
    importer_ban: str
    ccc_code: str
    description: str
    quantity: Decimal
    doc_unit: str
    cited_certificate_no: str | None
    cited_item_no: int | None
    declaration_date: date
    outcome: str | None
    refusal_reason: str | None
    matched_quantity: Decimal | None
    explanation: dict[str, Any] | None
    candidates: list[dict[str, Any]]
    review_status: str | None
