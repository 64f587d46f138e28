"""Requests and responses of mandates: a firm lets an agent (broker) act for it."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from tax_exemption.fields import BusinessId


class MandateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agent_business_id: BusinessId = Field(description="統一編號 of the agent or customs broker")
    valid_until: date | None = Field(default=None, description="Last day; open-ended if null")


class MandateOut(BaseModel):
    id: int
    client_business_id: str
    agent_business_id: str
    valid_until: date | None
    revoked_at: datetime | None
    created_at: datetime
