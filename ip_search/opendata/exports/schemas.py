"""Request and response bodies of exports."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from common.exports import ExportStatus
from common.fields import SafeText
from ip_search.importers import MarkKind, MarkStatus
from ip_search.search.backend import ViennaMatch
from ip_search.trademarks.schemas import GroupCode, ViennaCode


class ExportFormat(StrEnum):
    CSV = "csv"
    """UTF-8 with a byte-order mark (spreadsheets), a header row; lists joined by ``;``."""
    JSONL = "jsonl"
    """JSON Lines: one object per mark, lists as arrays."""


class ExportMode(StrEnum):
    """How ``q`` matches, as in the search API. ``similar`` is not offered: its results are
    ranked and capped at a few dozen, which the search API returns in full."""

    EXACT = "exact"
    PREFIX = "prefix"
    CONTAINS = "contains"


class ExportIn(BaseModel):
    """Which marks to export: the search API's filters, ``q`` optional."""

    model_config = ConfigDict(extra="forbid")

    format: ExportFormat = ExportFormat.CSV
    q: Annotated[SafeText, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None, description="Mark text; without it every mark passing the filters"
    )
    mode: ExportMode = Field(ExportMode.CONTAINS, description="How q matches (ignored without q)")
    nice_class: list[Annotated[int, Field(ge=1, le=45)]] = Field(
        default_factory=list, max_length=45
    )
    group: list[GroupCode] = Field(default_factory=list, max_length=50)
    vienna: list[ViennaCode] = Field(default_factory=list, max_length=20)
    vienna_match: ViennaMatch = ViennaMatch.ALL
    status: list[MarkStatus] = Field(default_factory=list, max_length=3)
    kind: list[MarkKind] = Field(default_factory=list, max_length=4)
    applicant: Annotated[SafeText, StringConstraints(min_length=1, max_length=100)] | None = None
    filed_from: dt.date | None = None
    filed_to: dt.date | None = None


class ExportOut(BaseModel):
    """An export job: poll it until ``status`` is done, then fetch ``download_url``."""

    id: UUID
    status: ExportStatus
    format: ExportFormat
    query: dict[str, Any] = Field(description="The canonical query (what query_hash hashes)")
    query_hash: str
    data_as_of: dt.datetime | None = Field(description="The register import it exports")
    estimated_rows: int = Field(description="Marks matching when the export was requested")
    rows_done: int
    progress: float = Field(ge=0, le=1)
    row_count: int | None = Field(description="Rows in the file, once done")
    size_bytes: int | None
    sha256: str | None = Field(description="Of the file; also its ETag")
    error: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    download_url: str | None
