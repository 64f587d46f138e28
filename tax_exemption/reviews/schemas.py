"""Requests of the review queue: an officer confirms a candidate or refuses the line."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from common.fields import SafeText


class ConfirmIn(BaseModel):
    """Take the top candidate, or name another of the line's candidates."""

    model_config = ConfigDict(extra="forbid")

    certificate_no: Annotated[str, Field(pattern=r"^[A-Z0-9]{4,30}$")] | None = None
    item_no: Annotated[int, Field(ge=1, le=9999)] | None = None


class RefuseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[SafeText, Field(min_length=1, max_length=2000)]
