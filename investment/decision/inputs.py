"""Inputs of the decision-support items: factories (from the registry) and industrial parks."""

from __future__ import annotations

from dataclasses import dataclass

from investment.registry.records import FactoryRecord

__all__ = ["FactoryPoint", "Park"]


@dataclass(frozen=True, slots=True)
class FactoryPoint:
    """The registry facts the analyses use."""

    registration_number: str
    name: str
    county_code: str
    industry_codes: frozenset[str]
    product_codes: frozenset[str]
    longitude: float | None = None
    latitude: float | None = None

    @classmethod
    def from_record(cls, record: FactoryRecord) -> FactoryPoint:
        return cls(
            registration_number=record.registration_number,
            name=record.name,
            county_code=record.county_code,
            industry_codes=record.industry_codes,
            product_codes=record.product_codes,
            longitude=record.longitude,
            latitude=record.latitude,
        )


@dataclass(frozen=True, slots=True)
class Park:
    """An industrial park (產業園區) with what an investor weighs."""

    park_id: str
    name: str
    county_code: str
    longitude: float
    latitude: float
    area_ha: float
    land_for_rent_ha: float = 0.0
    land_for_sale_ha: float = 0.0
    lease_only: bool = False  # 只租不售
    allowed_industries: frozenset[str] = frozenset()  # 2-digit codes; empty = any manufacturing
    power_capacity_kw: float = 0.0  # spare contracted capacity
    water_capacity_m3_per_day: float = 0.0
    has_natural_gas: bool = False
    has_wastewater_treatment: bool = False

    def available_ha(self, *, buying: bool) -> float:
        """Land an investor can take: for sale only when buying (and not lease-only)."""
        if buying:
            return 0.0 if self.lease_only else self.land_for_sale_ha
        return self.land_for_rent_ha

    def allows(self, industry_code: str) -> bool:
        return not self.allowed_industries or industry_code[:2] in self.allowed_industries
