"""Request and response bodies of invitations and filing sessions."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from common.fields import SafeText

MAX_BATCH = 5000


class InvitationRequest(BaseModel):
    county_code: str | None = Field(default=None, pattern=r"^[0-9]{5}$")
    township: SafeText | None = Field(default=None, max_length=20)
    registration_numbers: list[SafeText] | None = Field(default=None, max_length=MAX_BATCH)
    limit: int = Field(default=1000, ge=1, le=MAX_BATCH)


class IssuedInvitation(BaseModel):
    return_id: int
    registration_number: str
    code: str = Field(description="Shown once: only a keyed hash is stored")


class IssuedInvitations(BaseModel):
    survey_year: int
    expires_at: dt.datetime
    invitations: list[IssuedInvitation]


class Redemption(BaseModel):
    code: SafeText = Field(min_length=1, max_length=40, examples=["7KQ4-M2XA-9PLD"])


class FilingSessionOut(BaseModel):
    filing_token: str = Field(description="Send as the `Filing-Token` header")
    expires_at: dt.datetime
    return_id: int
    survey_year: int
    registration_number: str | None = None
