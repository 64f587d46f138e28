"""Requests and responses of the regulated-products list."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from common.fields import SafeText
from inspection.domain.regulated_products import InspectionTiming
from inspection.domain.schemes import Scheme


class EntryIn(BaseModel):
    ccc_prefix: SafeText = Field(
        min_length=6, max_length=20, description="A CCC code or its 6/8/10-digit prefix"
    )
    product_name: SafeText = Field(min_length=1, max_length=200)
    schemes: list[Scheme] = Field(min_length=1, max_length=5)
    standards: list[SafeText] = Field(default_factory=list, max_length=20)
    timing: InspectionTiming
    effective_from: date
    effective_until: date | None = None


class EntryEnd(BaseModel):
    effective_until: date = Field(description="Last day the entry applies (inclusive)")


class EntryOut(BaseModel):
    id: int
    ccc_prefix: str
    product_name: str
    schemes: list[Scheme]
    standards: list[str]
    timing: InspectionTiming
    effective_from: date
    effective_until: date | None


class LookupOut(BaseModel):
    ccc_code: str
    on: date
    regulated: bool
    entry: EntryOut | None = Field(description="The governing entry (longest prefix in force)")


class SearchOut(BaseModel):
    on: date
    items: list[EntryOut]
