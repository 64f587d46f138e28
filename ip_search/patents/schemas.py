"""Response models of the patent knowledge search."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from ip_search.patents.record import Office

__all__ = ["Highlights", "PatentHit", "PatentOut", "PatentSearchResponse"]


class Highlights(BaseModel):
    """Snippets as HTML: text escaped, matches wrapped in ``<mark>``…``</mark>``."""

    title: str
    abstract: str
    claims: str | None = Field(None, description="Only when the query searched the claims")


class PatentBase(BaseModel):
    office: Office
    publication_no: str
    kind: str
    publication_date: date
    application_no: str
    application_date: date | None
    title: str
    ipc: list[str]
    applicants: list[str]
    language: str


class PatentHit(PatentBase):
    highlights: Highlights


class PatentSearchResponse(BaseModel):
    items: list[PatentHit]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
    total: int = Field(description="Matching documents; a lower bound when not exact")
    total_is_exact: bool


class PatentOut(PatentBase):
    abstract: str
    claims: list[str]
    inventors: list[str]
