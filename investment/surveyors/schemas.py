"""Request and response bodies of surveyors' and officers' work."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from common.fields import SafeText

Status = Literal["not_started", "draft", "submitted", "flagged", "accepted", "reviewed"]


class WorkItem(BaseModel):
    id: int
    registration_number: str
    factory_name: str
    county_code: str
    township: str | None
    status: str
    problem_count: int | None
    receipt_number: str | None
    submitted_at: dt.datetime | None
    registry_change: bool = Field(description="The return reports a registry correction")


class CountyProgress(BaseModel):
    county_code: str
    returns: int
    filed: int
    filed_share: float = Field(description="filed / returns")
    flagged: int
    flagged_share: float = Field(description="flagged / filed")
    accepted: int
    reviewed: int


class RiskPartOut(BaseModel):
    factor: str
    points: float
    reason: str


class ChaseItem(BaseModel):
    rank: int
    id: int
    registration_number: str
    factory_name: str
    township: str | None
    status: str
    risk: float
    because: list[RiskPartOut]


class ChaseList(BaseModel):
    survey_year: int
    county_code: str | None
    method: str
    non_filers: int
    items: list[ChaseItem]


class CommentIn(BaseModel):
    comment: SafeText = Field(min_length=1, max_length=2000)


class OptionalCommentIn(BaseModel):
    comment: SafeText | None = Field(default=None, max_length=2000)


class ReviewIn(BaseModel):
    decision: Literal["approve", "send_back"]
    comment: SafeText | None = Field(default=None, max_length=2000)


class StatusOut(BaseModel):
    id: int
    status: str
    version: int


class RemindersQueued(BaseModel):
    survey_year: int
    county_code: str | None
    queued: int


class RemindersIn(BaseModel):
    county_code: str | None = Field(default=None, pattern=r"^[0-9]{5}$")
    township: SafeText | None = Field(default=None, max_length=20)
