"""Request and response bodies of exports."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from common.exports import ExportStatus


class ExportIn(BaseModel):
    county_code: str | None = Field(
        default=None, pattern=r"^[0-9]{5}$", description="Surveyors: defaults to their county"
    )


class ExportOut(BaseModel):
    id: int
    survey_year: int
    county_code: str
    status: ExportStatus = Field(description="queued, running, then done or failed")
    row_count: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    content_url: str | None
