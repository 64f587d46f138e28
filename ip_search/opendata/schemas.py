"""Request and response models of the open-data API."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field

PUBLISHER = "經濟部智慧財產局"
PUBLISHER_EN = "Taiwan Intellectual Property Office (TIPO), Ministry of Economic Affairs"
LICENCE = "OGDL-Taiwan-1.0"
LICENCE_URL = "https://data.gov.tw/license"

DatasetId = Annotated[
    str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", examples=["trademark-register"])
]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class UpdateFrequency(StrEnum):
    """Dublin Core collection frequencies (``http://purl.org/cld/freq/``)."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"
    IRREGULAR = "irregular"


class FieldSpec(BaseModel):
    """One column or element of the dataset's files."""

    name: str = Field(min_length=1, max_length=100)
    type: str = Field(min_length=1, max_length=40, examples=["string", "date", "integer"])
    description: str = Field(default="", max_length=500)


class DatasetIn(BaseModel):
    id: DatasetId
    title_zh: str = Field(min_length=1, max_length=200)
    title_en: str = Field(min_length=1, max_length=200)
    description_zh: str = Field(min_length=1, max_length=4000)
    description_en: str | None = Field(default=None, max_length=4000)
    update_frequency: UpdateFrequency
    keywords: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(
        default_factory=list, max_length=20
    )
    fields: list[FieldSpec] = Field(default_factory=list, max_length=300)
    media_type: str = Field(default="text/csv", pattern=r"^[a-z]+/[a-z0-9.+-]+$")


class DatasetSummary(BaseModel):
    id: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str | None
    publisher: str
    licence: str
    licence_url: str
    update_frequency: UpdateFrequency
    keywords: list[str]
    fields: list[FieldSpec]
    media_type: str
    latest_version: int | None
    created_at: datetime
    updated_at: datetime


class VersionOut(BaseModel):
    version: int
    sha256: Sha256
    size_bytes: int
    row_count: int | None
    media_type: str
    change_note: str
    created_at: datetime
    download_url: str
    downloads: int = Field(description="Downloads counted so far (flushed every minute)")


class DatasetOut(DatasetSummary):
    versions: list[VersionOut]


class ChangesOut(BaseModel):
    """Versions published after ``since``, oldest first: what a mirror must fetch."""

    dataset_id: str
    since: int
    latest_version: int | None
    items: list[VersionOut]
    next_cursor: str | None


class RegisterVersionIn(BaseModel):
    """Publish a file already placed in open-data storage (large files arrive out of band)."""

    storage_key: str = Field(min_length=1, max_length=500, examples=["trademark/2026-11.csv"])
    row_count: int | None = Field(default=None, ge=0)
    change_note: str = Field(default="", max_length=2000)


class ApiKeyIn(BaseModel):
    label: str = Field(min_length=1, max_length=200, examples=["university mirror"])
    daily_quota: int = Field(ge=1, le=10_000_000, description="Downloads per Taipei day")
    requests_per_minute: int = Field(
        default=600, ge=1, le=100_000, description="The key's own rate limit, apart from its IP's"
    )


class ApiKeyOut(BaseModel):
    id: int
    prefix: str
    label: str
    daily_quota: int
    requests_per_minute: int
    created_at: datetime
    key: str | None = Field(default=None, description="The key itself: shown once, at creation")
