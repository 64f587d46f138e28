"""The investment app: ``uvicorn --factory investment.app:create_app``."""

from pathlib import Path

from fastapi import FastAPI

from common.app_factory import ServiceDefinition, create_service_app
from common.manifest import ServiceManifest
from investment.models import platform_tables
from investment.settings import InvestmentSettings

TITLE = "Industrial park investment service (產業園區投資招商服務雲)"
DESCRIPTION = "The yearly factory survey, industrial-park information and investment decision support for the Industrial Development Administration (產業發展署)."


def create_app(settings: InvestmentSettings | None = None) -> FastAPI:
    definition = ServiceDefinition(
        name="investment",
        title=TITLE,
        description=DESCRIPTION,
        settings=settings or InvestmentSettings(),
        tables=platform_tables,
    )
    return create_service_app(definition)


MANIFEST = ServiceManifest(
    name="investment",
    url_prefix="/investment",
    settings_class=InvestmentSettings,
    create_app=create_app,
    migrations=Path(__file__).parent / "migrations",
    tables=platform_tables,
)
