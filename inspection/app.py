"""The inspection app: ``uvicorn --factory inspection.app:create_app``."""

from pathlib import Path

from fastapi import FastAPI

from common.app_factory import ServiceDefinition, create_service_app
from common.manifest import ServiceManifest
from common.pii import EncryptedColumn
from inspection.applications.endpoints import router as applications_router
from inspection.applications.notifications import notify_applicant, notify_holder
from inspection.applications.steps import TOPIC as APPLICATION_TOPIC
from inspection.certificates.endpoints import router as certificates_router
from inspection.cns_marks.endpoints import router as cns_marks_router
from inspection.metrology.endpoints import router as metrology_router
from inspection.metrology.reminders import RENEWAL_REMINDERS
from inspection.metrology.reminders import TOPIC as RENEWAL_TOPIC
from inspection.models import platform_tables
from inspection.public_checks.endpoints import router as public_checks_router
from inspection.regulated_products.endpoints import router as regulated_products_router
from inspection.settings import InspectionSettings
from inspection.trails.owner import trail_owner
from inspection.web.clock import system_clock
from inspection.web.signing import signing_key_from

TITLE = "Standards, metrology and inspection service (標準計量檢驗服務雲)"
DESCRIPTION = (
    "Commodity inspection, metrology verification, CNS mark certificates "
    "and public validity checks for BSMI (標準檢驗局)."
)

ROUTERS = (
    public_checks_router,
    certificates_router,
    cns_marks_router,
    applications_router,
    regulated_products_router,
    metrology_router,
)


def create_app(settings: InspectionSettings | None = None) -> FastAPI:
    settings = settings or InspectionSettings()
    definition = ServiceDefinition(
        name="inspection",
        title=TITLE,
        description=DESCRIPTION,
        settings=settings,
        tables=platform_tables,
        routers=ROUTERS,
        trail_owner=trail_owner(settings),
    )
    app = create_service_app(definition)
    app.state.clock = system_clock
    app.state.status_signing_key = signing_key_from(settings)
    return app


MANIFEST = ServiceManifest(
    name="inspection",
    url_prefix="/inspection",
    settings_class=InspectionSettings,
    create_app=create_app,
    migrations=Path(__file__).parent / "migrations",
    tables=platform_tables,
    scheduled=(RENEWAL_REMINDERS,),
    outbox_handlers={APPLICATION_TOPIC: notify_applicant, RENEWAL_TOPIC: notify_holder},
    encrypted_columns=(
        EncryptedColumn("certificate", "id", ("contact_name", "contact_phone")),
        EncryptedColumn("instrument", "id", ("owner_person_name", "owner_phone", "location")),
    ),
)
