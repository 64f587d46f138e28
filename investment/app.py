"""The investment app: ``uvicorn --factory investment.app:create_app``.

Also what the composition layer (``services/``) may use of investment: the manifest (routes,
migrations, outbox handlers, encrypted columns, the demo seed of ``moea serve``) and
``investment_command`` behind ``moea investment ...``.
"""

from pathlib import Path

from fastapi import FastAPI

from common.app_factory import ServiceDefinition, create_service_app
from common.driver import write_pool_lifespan
from common.manifest import ServiceManifest
from investment.campaigns.endpoints import router as campaigns_router
from investment.cli import main as investment_command
from investment.decision_support.endpoints import router as decision_router
from investment.exports.endpoints import router as exports_router
from investment.factories.endpoints import router as factories_router
from investment.invitations.endpoints import router as invitations_router
from investment.invitations.tokens import FilingTokens
from investment.jobs import ENCRYPTED_COLUMNS, OUTBOX_HANDLERS
from investment.models import platform_tables
from investment.parks.endpoints import router as parks_router
from investment.returns.endpoints import router as returns_router
from investment.returns.gate import filing_desk_lifespan
from investment.seeding import seed_if_empty
from investment.settings import InvestmentSettings
from investment.surveyors.endpoints import router as surveyors_router
from investment.trails.owner import RecordCounty

__all__ = ["MANIFEST", "create_app", "investment_command"]

TITLE = "Industrial park investment service (產業園區投資招商服務雲)"
DESCRIPTION = (
    "The yearly factory survey, industrial-park information and investment "
    "decision support for the Industrial Development Administration "
    "(產業發展署)."
)
# Routing tries routers in order, so the season's peak (open, save, submit a return) comes first.
ROUTERS = (
    returns_router,
    invitations_router,
    factories_router,
    campaigns_router,
    surveyors_router,
    exports_router,
    parks_router,
    decision_router,
)


def create_app(settings: InvestmentSettings | None = None) -> FastAPI:
    settings = settings or InvestmentSettings()
    definition = ServiceDefinition(
        name="investment",
        title=TITLE,
        description=DESCRIPTION,
        settings=settings,
        tables=platform_tables,
        routers=ROUTERS,
        # The filing path runs on the driver; its desk holds the write pool of one run.
        lifespans=(write_pool_lifespan, filing_desk_lifespan),
        trail_owner=RecordCounty(settings.agency),
    )
    app = create_service_app(definition)
    app.state.filing_tokens = FilingTokens(
        settings.filing_token_key.get_secret_value().encode(), settings.filing_token_seconds
    )
    return app


MANIFEST = ServiceManifest(
    name="investment",
    url_prefix="/investment",
    settings_class=InvestmentSettings,
    create_app=create_app,
    migrations=Path(__file__).parent / "migrations",
    tables=platform_tables,
    outbox_handlers=OUTBOX_HANDLERS,
    encrypted_columns=ENCRYPTED_COLUMNS,
    demo_seed=seed_if_empty,
)
