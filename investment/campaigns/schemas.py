"""Request and response bodies of campaigns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, model_validator

from common.fields import SafeText


class CampaignCreate(BaseModel):
    survey_year: int = Field(ge=2000, le=2100)
    opens_on: dt.date
    closes_on: dt.date
    form_name: SafeText | None = Field(
        default=None,
        max_length=100,
        description="A built-in form, e.g. `factory_survey-2026`; or give `form` instead",
    )
    form: dict[str, Any] | None = Field(
        default=None, description="A whole form definition document (base-period revision)"
    )

    @model_validator(mode="after")
    def _one_form(self) -> CampaignCreate:
        if (self.form_name is None) == (self.form is None):
            raise ValueError("give exactly one of form_name and form")
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on is before opens_on")
        return self


class CampaignOut(BaseModel):
    survey_year: int
    opens_on: dt.date
    closes_on: dt.date
    form_id: str
    form_version: str
    base_year: int
    returns: int


class ReturnsOpened(BaseModel):
    survey_year: int
    opened: int = Field(description="Returns created by this call (one per new factory)")
