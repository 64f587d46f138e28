"""Request and response bodies of the filing path."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from common.fields import Int64, SafeText

AnswerKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
# Numbers JSON can carry exactly: 64-bit integers, finite floats (no NaN, no infinities).
AnswerValue = (
    SafeText | Int64 | Annotated[float, Field(allow_inf_nan=False)] | bool | list[SafeText] | None
)
MAX_ANSWERS = 500


class ProblemOut(BaseModel):
    field: str = Field(description="The question id the form highlights")
    code: str
    message_zh: str
    message_en: str
    rule_id: str | None = None


class Comment(BaseModel):
    action: str
    comment: str
    at: dt.datetime


class ReturnView(BaseModel):
    id: int
    survey_year: int
    registration_number: str
    status: str
    version: int = Field(description="Also the ETag: send it back in If-Match")
    form_id: str
    form_version: str
    answers: dict[str, Any]
    sources: dict[str, str] = Field(
        description="Where each prefilled answer came from: registry or last_year"
    )
    problems: list[ProblemOut]
    comments: list[Comment]
    receipt_number: str | None
    submitted_at: dt.datetime | None
    closes_on: dt.date
    registry: dict[str, Any] = Field(description="The factory as registered (工廠登記)")


class DraftIn(BaseModel):
    answers: dict[AnswerKey, AnswerValue] = Field(max_length=MAX_ANSWERS)


class DraftSaved(BaseModel):
    id: int
    status: str
    version: int
    saved_at: dt.datetime
    problems: list[ProblemOut] = Field(
        description="Everything the server would refuse on submit; a draft saves regardless"
    )


class SubmitIn(BaseModel):
    answers: dict[AnswerKey, AnswerValue] | None = Field(
        default=None,
        max_length=MAX_ANSWERS,
        description="Final answers; omit to submit the saved draft",
    )


class Receipt(BaseModel):
    id: int
    receipt_number: str
    submitted_at: dt.datetime
    version: int


class FirmReturn(BaseModel):
    id: int
    survey_year: int
    registration_number: str
    factory_name: str
    status: str
    receipt_number: str | None
