"""The inspection app: ``uvicorn --factory inspection.app:create_app``."""

from pathlib import Path

from fastapi import FastAPI

from common.app_factory import ServiceDefinition, create_service_app
from common.manifest import ServiceManifest
from inspection.models import platform_tables
from inspection.settings import InspectionSettings

TITLE = "Standards, metrology and inspection service (標準計量檢驗服務雲)"
DESCRIPTION = "Commodity inspection, metrology verification, CNS mark certificates and public validity checks for BSMI (標準檢驗局)."


def create_app(settings: InspectionSettings | None = None) -> FastAPI:
    definition = ServiceDefinition(
        name="inspection",
        title=TITLE,
        description=DESCRIPTION,
        settings=settings or InspectionSettings(),
        tables=platform_tables,
    )
    return create_service_app(definition)


MANIFEST = ServiceManifest(
    name="inspection",
    url_prefix="/inspection",
    settings_class=InspectionSettings,
    create_app=create_app,
    migrations=Path(__file__).parent / "migrations",
    tables=platform_tables,
)
