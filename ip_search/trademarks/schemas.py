"""Request and response models of the trademark register API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from common.fields import SafeText
from common.pagination import MAX_PAGE_SIZE
from ip_search.importers import MarkKind, MarkStatus
from ip_search.search.backend import SearchMode, ViennaMatch
from ip_search.text import Dimension

GroupCode = Annotated[str, StringConstraints(pattern=r"^\d{4}$")]
ViennaCode = Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}\.\d{2}$")]
ApplicationNo = Annotated[str, StringConstraints(pattern=r"^\d{9}$")]


class SearchParams(BaseModel):
    """Query parameters of ``GET /trademarks/search``; lists repeat (``group=0501&group=0502``)."""

    q: Annotated[SafeText, StringConstraints(min_length=1, max_length=200)] = Field(
        description="Mark text: Chinese (either script), English, Japanese, or mixed"
    )
    mode: SearchMode = Field(SearchMode.SIMILAR, description="exact | contains | prefix | similar")
    nice_class: list[Annotated[int, Field(ge=1, le=45)]] = Field(
        default_factory=list, max_length=45, description="Nice classes (any of them)"
    )
    group: list[GroupCode] = Field(
        default_factory=list, max_length=50, description="Similar-group codes, 類似組群 (any)"
    )
    vienna: list[ViennaCode] = Field(default_factory=list, max_length=20)
    vienna_match: ViennaMatch = Field(ViennaMatch.ALL, description="all (AND) or any (OR)")
    status: list[MarkStatus] = Field(default_factory=list, max_length=3)
    kind: list[MarkKind] = Field(default_factory=list, max_length=4)
    applicant: Annotated[SafeText, StringConstraints(min_length=1, max_length=100)] | None = None
    filed_from: dt.date | None = None
    filed_to: dt.date | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Page size (1–100)")
    cursor: (
        Annotated[str, StringConstraints(max_length=512, pattern=r"^[A-Za-z0-9_\-=]*$")] | None
    ) = None


class DimensionOut(BaseModel):
    dimension: Dimension
    matched: bool
    similarity: float
    weight: float
    contribution: float = Field(description="Share of the total; the contributions add up to it")
    evidence: str


class ScoreOut(BaseModel):
    total: float = Field(ge=0, le=1)
    breakdown: list[DimensionOut]


class TrademarkHit(BaseModel):
    application_no: str
    registration_no: str | None
    name: str
    classes: list[int] = Field(description="Nice classes")
    class_codes: list[str] = Field(description="Class codes as filed (old pre-1994 codes too)")
    groups: list[str]
    status: MarkStatus
    kind: MarkKind
    filing_date: dt.date | None
    score: ScoreOut


class FacetCount(BaseModel):
    value: str
    count: int


class Facets(BaseModel):
    nice_class: list[FacetCount]
    status: list[FacetCount]
    kind: list[FacetCount]


class SearchResponse(BaseModel):
    items: list[TrademarkHit]
    next_cursor: str | None
    total: int
    total_is_exact: bool = Field(description="False: total is an estimate (broad query)")
    facets: Facets
    data_as_of: dt.datetime | None = Field(description="When the last import finished")


class GoodsClassOut(BaseModel):
    position: int
    code: str
    nice_class: int | None
    old_code: bool = Field(description="A pre-1994 Taiwanese class code, not a Nice class")
    goods: str
    groups: list[str]


class PartyOut(BaseModel):
    position: int
    name_zh: str | None
    name_en: str | None
    name_ja: str | None
    address: str | None
    country_code: str | None
    country_name_zh: str | None


class AgentOut(BaseModel):
    position: int
    name_zh: str
    address: str | None


class TrademarkOut(BaseModel):
    """One mark of the register with every field the feeds carry."""

    application_no: str
    registration_no: str | None
    name: str
    words_zh: str | None
    words_en: str | None
    words_ja: str | None
    kind: MarkKind
    kind_code: str | None
    former_service_mark: bool
    form: str | None
    colour: str | None
    sign: str | None
    description: str | None
    status: MarkStatus
    nice_classes: list[int]
    classes: list[GoodsClassOut]
    vienna_codes: list[str]
    applicants: list[PartyOut]
    owners: list[PartyOut]
    agents: list[AgentOut]
    filing_date: dt.date | None
    received_date: dt.date | None
    priority_date: dt.date | None
    registration_date: dt.date | None
    publication_date: dt.date | None
    term_start: dt.date | None
    term_end: dt.date | None
    gazette_volume: str | None
    examiner: str | None
    lapse_reason: str | None
    memo: str | None
    image_urls: list[str]
    audio_url: str | None
    status_flags: dict[str, str]
    source: str
    data_as_of: dt.datetime | None
