"""Routes of exports: request one (202, or 200 with the identical export already made), poll
it, download its file (ETag, Range, If-None-Match, as dataset versions)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request, Response

from common.auth.middleware import principal_of
from common.caching import conditional_response
from common.database import ServiceRouter, SessionDep
from common.errors import documented_problem
from common.ratelimit import TrustedProxies, client_ip
from ip_search.opendata.dependencies import ApiKeyHeader, BaseUrlDep, FileSourceDep
from ip_search.opendata.exports import service
from ip_search.opendata.exports.schemas import ExportIn, ExportOut
from ip_search.opendata.exports.views import job_url
from ip_search.opendata.key_budgets import ApiKeyBudgets
from ip_search.opendata.responses import delivery_response
from ip_search.opendata.serving import Conditions
from ip_search.settings import IpSearchSettings
from ip_search.trademarks.repository import data_as_of

router = ServiceRouter(prefix="/open-data/exports", tags=["open data"])

_REQUESTED: dict[int | str, dict[str, Any]] = {
    200: {"model": ExportOut, "description": "The identical export made since the last import"},
    410: documented_problem("The file was deleted after its retention period"),
    422: documented_problem("Invalid filters, or more matching marks than one export may hold"),
    429: documented_problem("Too many of this client's exports are unfinished"),
}
_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}, "application/jsonl": {}}, "description": "The file"},
    206: {"description": "One byte range (Content-Range)"},
    302: {"description": "Redirect to the object store"},
    304: {"description": "The client's copy (If-None-Match) is current"},
    409: documented_problem("The export is not done yet"),
    410: documented_problem("The file was deleted after its retention period"),
}


def _settings(request: Request) -> IpSearchSettings:
    settings: IpSearchSettings = request.app.state.settings
    return settings


async def requester(request: Request, api_key: ApiKeyHeader = None) -> str:
    """Who asks, for the cap on unfinished exports: the API key, else the user, else the IP."""
    if api_key is not None:
        budgets: ApiKeyBudgets = request.app.state.key_budgets
        return (await budgets.holder(request.app.state.database, api_key)).identity
    principal = principal_of(request.scope)
    if not principal.is_anonymous:
        return f"sub:{principal.subject}"
    trusted = TrustedProxies(_settings(request).trusted_proxies)
    return f"ip:{client_ip(request.scope, trusted)}"


@router.post(
    "",
    status_code=202,
    response_model=ExportOut,
    responses=_REQUESTED,
    summary="Export the marks a query selects (CSV or JSON Lines), as an async job",
)
async def request_export(
    *,
    request: Request,
    response: Response,
    body: ExportIn,
    session: SessionDep,
    base: BaseUrlDep,
    who: Annotated[str, Depends(requester)],
) -> ExportOut:
    settings = _settings(request)
    requested = await service.request_export(
        session,
        body,
        requester=who,
        data_as_of=await data_as_of(session),
        limits=service.ExportLimits(
            settings.open_data_export_max_rows, settings.open_data_exports_per_client
        ),
        base_url=base,
    )
    response.status_code = 202 if requested.created else 200
    response.headers["Location"] = job_url(base, requested.export.id)
    return requested.export


@router.get("/{export_id}", response_model=ExportOut, summary="An export's status and progress")
async def get_export(
    request: Request, export_id: UUID, session: SessionDep, base: BaseUrlDep
) -> Response:
    export = await service.get_export(session, export_id, base)
    # Polled for progress: shared caches revalidate every time (a 304 while nothing moved).
    return conditional_response(request, export, max_age=0)


_DOWNLOAD_PATH = "/{export_id}/download"


@router.head(
    _DOWNLOAD_PATH,
    operation_id="download_export_head",
    response_class=Response,
    summary="Headers of an export's file (size, ETag) without the file",
)
@router.get(
    _DOWNLOAD_PATH,
    operation_id="download_export",
    response_class=Response,
    responses=_FILE,
    summary="Download a finished export (ETag = SHA-256, Range, If-None-Match)",
)
async def download(
    request: Request, export_id: UUID, session: SessionDep, files: FileSourceDep
) -> Response:
    conditions = Conditions.from_headers(request.headers)
    delivery = await service.deliver(session, files, export_id, conditions)
    return delivery_response(delivery, head=request.method == "HEAD")
