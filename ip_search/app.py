"""The ip_search app: ``uvicorn --factory ip_search.app:create_app``.

Also what the composition layer (``services/``) may use of ip_search: the manifest (routes,
migrations, the import job, the demo seed of ``moea serve``) and ``ip_search_command`` behind
``moea ip-search ...``.
"""

from pathlib import Path

from fastapi import FastAPI

from common.app_factory import ServiceDefinition, create_service_app
from common.manifest import ServiceManifest
from common.pii.blind_index import BlindIndex
from ip_search.cli import main as ip_search_command
from ip_search.importing.announce import IMPORT_FINISHED_TOPIC, SEARCH_INDEX_TOPIC
from ip_search.importing.jobs import import_trademark_files
from ip_search.importing.seed import seed_if_empty
from ip_search.models import platform_tables
from ip_search.opendata.counters import FLUSH_DOWNLOAD_COUNTS
from ip_search.opendata.endpoints import router as open_data_router
from ip_search.opendata.exports.endpoints import router as exports_router
from ip_search.opendata.exports.jobs import EXPIRE_EXPORTS, build_trademark_export
from ip_search.opendata.exports.service import EXPORT_TOPIC
from ip_search.opendata.key_budgets import ApiKeyBudgets
from ip_search.patents.cli import main as patents_command
from ip_search.patents.endpoints import router as patents_router
from ip_search.search.selection import search_backend_lifespan
from ip_search.search.sync import index_imported_marks
from ip_search.settings import IpSearchSettings
from ip_search.trademarks.endpoints import router as trademarks_router
from ip_search.trademarks.freshness import Freshness
from ip_search.trails.owner import trail_owner
from ip_search.watches.alerting import WATCH_ALERTED_TOPIC, match_import_run
from ip_search.watches.endpoints import router as watches_router
from ip_search.watches.notices import post_watch_alerts
from ip_search.watches.sealing import ENCRYPTED_COLUMN as WATCH_WEBHOOK_SECRET

__all__ = ["MANIFEST", "create_app", "ip_search_command", "patents_command"]

TITLE = "IP information service (智權資訊服務雲)"
DESCRIPTION = (
    "Trademark search, IP open data and multi-country patent knowledge "
    "search for the Intellectual Property Office (TIPO, 智慧財產局)."
)


def create_app(settings: IpSearchSettings | None = None) -> FastAPI:
    settings = settings or IpSearchSettings()
    key_budgets = ApiKeyBudgets(BlindIndex.from_settings(settings))
    definition = ServiceDefinition(
        name="ip_search",
        title=TITLE,
        description=DESCRIPTION,
        settings=settings,
        tables=platform_tables,
        routers=(
            trademarks_router,
            patents_router,
            open_data_router,
            exports_router,
            watches_router,
        ),
        lifespans=(search_backend_lifespan,),
        rate_limit_budget=key_budgets,
        trail_owner=trail_owner(settings),
    )
    app = create_service_app(definition)
    app.state.freshness = Freshness(settings.data_as_of_cache_seconds)
    app.state.key_budgets = key_budgets
    return app


MANIFEST = ServiceManifest(
    name="ip_search",
    url_prefix="/ip-search",
    settings_class=IpSearchSettings,
    create_app=create_app,
    migrations=Path(__file__).parent / "migrations",
    tables=platform_tables,
    jobs=(import_trademark_files,),
    scheduled=(FLUSH_DOWNLOAD_COUNTS, EXPIRE_EXPORTS),
    outbox_handlers={
        IMPORT_FINISHED_TOPIC: match_import_run,
        SEARCH_INDEX_TOPIC: index_imported_marks,
        WATCH_ALERTED_TOPIC: post_watch_alerts,
        EXPORT_TOPIC: build_trademark_export,
    },
    encrypted_columns=(WATCH_WEBHOOK_SECRET,),
    demo_seed=seed_if_empty,
)
