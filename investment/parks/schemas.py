"""Response bodies of parks."""

from __future__ import annotations

from pydantic import BaseModel, Field

from investment.factories.schemas import FactoryOut


class ParkOut(BaseModel):
    id: int
    name: str
    former_name: str | None
    county_code: str
    county_name: str
    category: str | None
    established: str | None
    area_ha: float
    land_use: str | None
    longitude: float | None
    latitude: float | None
    location_note: str | None
    land_for_rent_ha: float
    land_for_sale_ha: float
    lease_only: bool
    allowed_industries: list[str] = Field(description="2-digit codes; empty = any manufacturing")
    power_capacity_kw: float
    water_capacity_m3_per_day: float
    has_natural_gas: bool
    has_wastewater_treatment: bool
    incentives: str | None
    contact_office: str | None
    source: str


class NearbyParkOut(BaseModel):
    park: ParkOut
    distance_km: float


class NearestParksOut(BaseModel):
    parks: list[NearbyParkOut]
    method: str
    explanation: str


class ParkFactoriesOut(BaseModel):
    park_id: int
    radius_km: float
    method: str
    factories: list[FactoryOut]
