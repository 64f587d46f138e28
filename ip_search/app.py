"""The ip_search app: ``uvicorn --factory ip_search.app:create_app``."""

from pathlib import Path

from fastapi import FastAPI

from common.app_factory import ServiceDefinition, create_service_app
from common.manifest import ServiceManifest
from ip_search.models import platform_tables
from ip_search.settings import IpSearchSettings

TITLE = "IP information service (智權資訊服務雲)"
DESCRIPTION = "Trademark search, IP open data and multi-country patent knowledge search for the Intellectual Property Office (TIPO, 智慧財產局)."


def create_app(settings: IpSearchSettings | None = None) -> FastAPI:
    definition = ServiceDefinition(
        name="ip_search",
        title=TITLE,
        description=DESCRIPTION,
        settings=settings or IpSearchSettings(),
        tables=platform_tables,
    )
    return create_service_app(definition)


MANIFEST = ServiceManifest(
    name="ip_search",
    url_prefix="/ip-search",
    settings_class=IpSearchSettings,
    create_app=create_app,
    migrations=Path(__file__).parent / "migrations",
    tables=platform_tables,
)
