"""Requests and responses of trademark watches and their alerts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from common.fields import PositiveInt64, SafeText
from common.pagination import MAX_PAGE_SIZE
from common.webhooks import WebhookUrl
from ip_search.importers import MarkStatus
from ip_search.trademarks.schemas import GroupCode, ScoreOut

MAX_TEXT_LENGTH = 100
"""A mark's wording, as the search's own limit on an applicant: longer is not a mark."""
MAX_CLASSES = 45
MAX_GROUPS = 50

NiceClass = Annotated[int, Field(ge=1, le=45)]
WatchName = Annotated[
    SafeText, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
WatchText = Annotated[
    SafeText, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT_LENGTH)
]
Threshold = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Secret = Annotated[SafeText, StringConstraints(min_length=16, max_length=128)]
THRESHOLD_DESCRIPTION = (
    "Alert on marks whose explained similarity score (0–1, as the similar search computes it) "
    "reaches this; below the similar search's own floor of 0.3 it acts as 0.3"
)


class WebhookIn(BaseModel):
    """Where alerts are POSTed, signed with the secret (``X-Moea-Signature``, HMAC-SHA256)."""

    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl
    secret: Secret = Field(description="Shared secret of the signature; never returned")


class WatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: WatchName = Field(description="The firm's own label of the watch")
    text: WatchText = Field(description="The mark's wording to watch for (any script)")
    nice_classes: list[NiceClass] = Field(default_factory=list, max_length=MAX_CLASSES)
    groups: list[GroupCode] = Field(
        default_factory=list, max_length=MAX_GROUPS, description="Similar-group codes, 類似組群"
    )
    threshold: Threshold = Field(0.6, description=THRESHOLD_DESCRIPTION)
    active: bool = True
    webhook: WebhookIn | None = None

    @model_validator(mode="after")
    def _classes_or_groups(self) -> Self:
        if not self.nice_classes and not self.groups:
            raise ValueError("name at least one Nice class or similar group to watch")
        return self


class WatchPatch(BaseModel):
    """The fields to change; ``"webhook": null`` removes the webhook."""

    model_config = ConfigDict(extra="forbid")

    name: WatchName | None = None
    text: WatchText | None = None
    nice_classes: list[NiceClass] | None = Field(None, max_length=MAX_CLASSES)
    groups: list[GroupCode] | None = Field(None, max_length=MAX_GROUPS)
    threshold: Threshold | None = Field(None, description=THRESHOLD_DESCRIPTION)
    active: bool | None = None
    webhook: WebhookIn | None = None

    @model_validator(mode="after")
    def _no_null_but_webhook(self) -> Self:
        nulls = sorted(
            f for f in self.model_fields_set if f != "webhook" and getattr(self, f) is None
        )
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null")
        return self


class WatchOut(BaseModel):
    id: int
    name: str
    text: str
    nice_classes: list[int]
    groups: list[str]
    threshold: float
    active: bool
    webhook_url: str | None
    unread_alerts: int
    created_at: dt.datetime
    updated_at: dt.datetime


class AlertOut(BaseModel):
    id: int
    watch_id: int
    application_no: str
    name: str | None = Field(description="The mark's name as the register holds it now")
    status: MarkStatus | None
    nice_classes: list[int]
    score: ScoreOut = Field(description="The explained score when the mark was imported")
    import_run_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class MarkReadIn(BaseModel):
    """Either the alerts to mark read, or ``all`` of the watch's unread alerts."""

    model_config = ConfigDict(extra="forbid")

    alert_ids: list[PositiveInt64] | None = Field(None, min_length=1, max_length=MAX_PAGE_SIZE)
    all: bool = False

    @model_validator(mode="after")
    def _one_choice(self) -> Self:
        if (self.alert_ids is None) == (not self.all):
            raise ValueError("give either alert_ids or all: true")
        return self


class MarkReadOut(BaseModel):
    marked: int = Field(description="How many alerts were unread and are read now")
