"""The pre-declaration check: would these lines match, against what, and what is wrong?"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from tax_exemption.declarations.schemas import DeclarationLineIn


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: Annotated[list[DeclarationLineIn], Field(min_length=1, max_length=200)]


class ItemRef(BaseModel):
    certificate_no: str
    item_no: int


class LineVerdict(BaseModel):
    declaration_no: str
    item_no: int
    outcome: str = Field(description="auto_matched, needs_review or refused")
    item: ItemRef | None
    quantity: Decimal | None = Field(description="Drawn in the item's unit if declared as is")
    balance_left: Decimal | None = Field(description="The item's balance after this check's lines")
    problems: list[str]
    explanation: dict[str, Any]
    candidates: list[dict[str, Any]]


class CheckOut(BaseModel):
    lines: list[LineVerdict]
