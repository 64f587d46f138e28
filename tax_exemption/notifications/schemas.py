"""Requests and responses of notification channels and deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tax_exemption.fields import Email


class Channel(StrEnum):
    EMAIL = "email"
    LINE = "line"  # LINE Messaging API push (LINE Notify closed in 2025)
    WEBHOOK = "webhook"  # HTTP POST signed with HMAC-SHA256


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channels: Annotated[list[Channel], Field(max_length=3)]
    email: Email | None = None
    line_user_id: Annotated[str, Field(pattern=r"^U[0-9a-f]{32}$")] | None = None
    webhook_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$", max_length=500)] | None = None
    webhook_secret: Annotated[str, Field(min_length=16, max_length=128)] | None = None

    @model_validator(mode="after")
    def _addresses_for_channels(self) -> Self:
        if len(set(self.channels)) != len(self.channels):
            raise ValueError("a channel is listed twice")
        needs = {
            Channel.EMAIL: self.email,
            Channel.LINE: self.line_user_id,
            Channel.WEBHOOK: self.webhook_url and self.webhook_secret,
        }
        missing = [str(channel) for channel in self.channels if not needs[channel]]
        if missing:
            raise ValueError(f"give the address (and webhook secret) of {missing}")
        return self


class PreferencesOut(BaseModel):
    channels: list[Channel]
    email: str | None
    line_user_id: str | None
    webhook_url: str | None
    updated_at: datetime


class NotificationOut(BaseModel):
    id: int
    filing_id: int | None
    event: str
    channel: Channel
    status: str = Field(description="queued, sent, retrying or failed (dead-lettered)")
    subject: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
