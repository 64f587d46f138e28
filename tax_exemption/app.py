"""The tax_exemption app: ``uvicorn --factory tax_exemption.app:create_app``."""

from pathlib import Path

from fastapi import FastAPI

from common.app_factory import ServiceDefinition, create_service_app
from common.manifest import ServiceManifest
from tax_exemption.models import platform_tables
from tax_exemption.settings import TaxExemptionSettings

TITLE = "Industrial tax-exemption service (產業減免稅捐服務雲)"
DESCRIPTION = "Duty-exemption certificates, export raw-material refund standards and customs-declaration matching for the Industrial Development Administration (產業發展署)."


def create_app(settings: TaxExemptionSettings | None = None) -> FastAPI:
    definition = ServiceDefinition(
        name="tax_exemption",
        title=TITLE,
        description=DESCRIPTION,
        settings=settings or TaxExemptionSettings(),
        tables=platform_tables,
    )
    return create_service_app(definition)


MANIFEST = ServiceManifest(
    name="tax_exemption",
    url_prefix="/tax-exemption",
    settings_class=TaxExemptionSettings,
    create_app=create_app,
    migrations=Path(__file__).parent / "migrations",
    tables=platform_tables,
)
