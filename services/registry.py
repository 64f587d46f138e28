"""The four services, by name. The only place that knows them all."""

from __future__ import annotations

from common.manifest import ServiceManifest
from inspection.app import MANIFEST as INSPECTION
from investment.app import MANIFEST as INVESTMENT
from ip_search.app import MANIFEST as IP_SEARCH
from tax_exemption.app import MANIFEST as TAX_EXEMPTION

SERVICES: dict[str, ServiceManifest] = {
    manifest.name: manifest for manifest in (IP_SEARCH, TAX_EXEMPTION, INSPECTION, INVESTMENT)
}


def select(name: str | None) -> list[ServiceManifest]:
    """One service by name, or all of them when no name is given."""
    if name is None:
        return list(SERVICES.values())
    if name not in SERVICES:
        known = ", ".join(SERVICES)
        raise SystemExit(f"unknown service {name!r}; known: {known}")
    return [SERVICES[name]]
