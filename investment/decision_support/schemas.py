"""Bodies of decision support: the catalogue, and the site-fit requirements."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CatalogueItem(BaseModel):
    item_id: str
    title_zh: str
    title_en: str
    method_zh: str
    method_en: str
    sources: list[str]
    path: str = Field(description="The item's API")


class SiteRequirementsIn(BaseModel):
    industry_code: str = Field(pattern=r"^[0-9]{2,3}$")
    land_ha: float = Field(ge=0, le=10_000)
    buying: bool = False
    power_kw: float = Field(default=0, ge=0, le=1e7)
    water_m3_per_day: float = Field(default=0, ge=0, le=1e7)
    counties: list[str] = Field(default_factory=list, max_length=30)
    needs_natural_gas: bool = False
    needs_wastewater_treatment: bool = False
