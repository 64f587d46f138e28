"""The tax_exemption app: ``uvicorn --factory tax_exemption.app:create_app``."""

from pathlib import Path

from fastapi import FastAPI

from common.app_factory import ServiceDefinition, create_service_app
from common.manifest import ServiceManifest
from common.pii import EncryptedColumn
from tax_exemption.certificates.endpoints import router as certificates_router
from tax_exemption.declarations.endpoints import router as declarations_router
from tax_exemption.filings.endpoints import router as filings_router
from tax_exemption.filings.transitions import CASE_PROGRESS_TOPIC
from tax_exemption.kpis.endpoints import router as kpis_router
from tax_exemption.mandates.endpoints import router as mandates_router
from tax_exemption.matching.jobs import match_declaration_batch, match_received_batch
from tax_exemption.matching.service import BATCH_RECEIVED_TOPIC
from tax_exemption.models import platform_tables
from tax_exemption.notifications.channels import EmailChannel, LineChannel, WebhookChannel
from tax_exemption.notifications.endpoints import router as notifications_router
from tax_exemption.notifications.fanout import channel_topic, fan_out
from tax_exemption.prechecks.endpoints import router as prechecks_router
from tax_exemption.reviews.endpoints import router as reviews_router
from tax_exemption.settings import TaxExemptionSettings
from tax_exemption.trails.owner import RecordAgency

TITLE = "Industrial tax-exemption service (產業減免稅捐服務雲)"
DESCRIPTION = (
    "Duty-exemption certificates, export raw-material refund standards and "
    "customs-declaration matching for the Industrial Development "
    "Administration (產業發展署)."
)
ROUTERS = (
    filings_router,
    certificates_router,
    mandates_router,
    prechecks_router,
    declarations_router,
    reviews_router,
    kpis_router,
    notifications_router,
)


def create_app(settings: TaxExemptionSettings | None = None) -> FastAPI:
    settings = settings or TaxExemptionSettings()
    definition = ServiceDefinition(
        name="tax_exemption",
        title=TITLE,
        description=DESCRIPTION,
        settings=settings,
        tables=platform_tables,
        routers=ROUTERS,
        trail_owner=RecordAgency(settings.agency),
    )
    return create_service_app(definition)


MANIFEST = ServiceManifest(
    name="tax_exemption",
    url_prefix="/tax-exemption",
    settings_class=TaxExemptionSettings,
    create_app=create_app,
    migrations=Path(__file__).parent / "migrations",
    tables=platform_tables,
    jobs=(match_declaration_batch,),
    outbox_handlers={
        BATCH_RECEIVED_TOPIC: match_received_batch,
        CASE_PROGRESS_TOPIC: fan_out,
        channel_topic("email"): EmailChannel(),
        channel_topic("line"): LineChannel(),
        channel_topic("webhook"): WebhookChannel(),
    },
    encrypted_columns=(
        EncryptedColumn(
            "filing", "id", ("contact_name_enc", "contact_phone_enc", "contact_email_enc")
        ),
        EncryptedColumn(
            "notification_preference",
            "business_id",
            ("email_enc", "line_user_id_enc", "webhook_secret_enc"),
        ),
    ),
)
