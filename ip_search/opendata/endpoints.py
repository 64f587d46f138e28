"""Open-data routes: the catalog (JSON and DCAT JSON-LD), the changefeed, downloads, publishing
(officers and admins) and API keys for bulk clients."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import Depends, Path, Query, Request, Response

from common.audit import AuditDep
from common.auth import Principal, Role, require_home_roles
from common.caching import conditional_response
from common.database import ServiceRouter, SessionDep
from common.errors import documented_problem
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep
from common.pagination import Cursor, Limit, Page
from ip_search.opendata import downloads, jsonld, service
from ip_search.opendata.dependencies import (
    ApiKeyHeader,
    BaseUrlDep,
    BlindIndexDep,
    DownloadContextDep,
    StorageDep,
)
from ip_search.opendata.responses import delivery_response
from ip_search.opendata.schemas import (
    ApiKeyIn,
    ApiKeyOut,
    ChangesOut,
    DatasetIn,
    DatasetOut,
    DatasetSummary,
    RegisterVersionIn,
    UpdateFrequency,
    VersionOut,
)
from ip_search.opendata.serving import Conditions
from ip_search.settings import IpSearchSettings

router = ServiceRouter(prefix="/open-data", tags=["open data"])

Publisher = Annotated[Principal, Depends(require_home_roles(Role.OFFICER, Role.ADMIN))]
DatasetPath = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
VersionPath = Annotated[int, Path(ge=1, le=2_147_483_647)]
_LINKED_DATA: dict[int | str, dict[str, Any]] = {
    200: {"content": {jsonld.MEDIA_TYPE: {}}, "description": "DCAT dataset"}
}
_BINARY_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "The whole file"},
    206: {"description": "One byte range (Content-Range)"},
    302: {"description": "Redirect to the object store"},
    304: {"description": "The client's copy (If-None-Match) is current"},
    416: documented_problem("Range not satisfiable"),
}


@router.get("/datasets", response_model=Page[DatasetSummary], summary="Search the catalog")
async def list_datasets(
    *,
    request: Request,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=100, description="Words in title")] = None,
    frequency: UpdateFrequency | None = None,
    keyword: Annotated[str | None, Query(max_length=50)] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Response:
    page = await service.list_datasets(
        session, text=q, frequency=frequency, keyword=keyword, cursor=cursor, limit=limit
    )
    return conditional_response(request, page)


@router.post("/datasets", status_code=201, response_model=DatasetOut, summary="Add a dataset")
async def create_dataset(
    *, body: DatasetIn, session: SessionDep, audit: AuditDep, _publisher: Publisher
) -> DatasetOut:
    return await service.create_dataset(session, body, audit)


@router.get(
    "/datasets/{dataset_id}.jsonld",
    response_class=Response,
    responses=_LINKED_DATA,
    summary="One dataset as DCAT JSON-LD",
)
async def dataset_jsonld(
    *, request: Request, dataset_id: DatasetPath, session: SessionDep, base: BaseUrlDep
) -> Response:
    dataset = await service.read_dataset(session, dataset_id, base)
    return _linked_data(request, dataset, base)


@router.get(
    "/datasets/{dataset_id}",
    response_model=DatasetOut,
    responses=_LINKED_DATA,
    summary="One dataset (JSON, or DCAT JSON-LD for Accept: application/ld+json)",
)
async def read_dataset(
    *, request: Request, dataset_id: DatasetPath, session: SessionDep, base: BaseUrlDep
) -> Response:
    dataset = await service.read_dataset(session, dataset_id, base)
    if jsonld.prefers_json_ld(request.headers.get("accept")):
        response = _linked_data(request, dataset, base)
    else:
        response = conditional_response(request, dataset)
    response.headers["Vary"] = "Accept"
    return response


def _linked_data(request: Request, dataset: DatasetOut, base: str) -> Response:
    document = jsonld.dataset_document(dataset, f"{base}/open-data/datasets/{dataset.id}")
    return conditional_response(request, orjson.dumps(document), media_type=jsonld.MEDIA_TYPE)


@router.get("/datasets/{dataset_id}/changes", response_model=ChangesOut, summary="Versions since N")
async def changes(
    *,
    request: Request,
    dataset_id: DatasetPath,
    session: SessionDep,
    base: BaseUrlDep,
    since: Annotated[int, Query(ge=0, le=2_147_483_647, description="Last version held")] = 0,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Response:
    found = await service.changes_since(
        session, dataset_id, since, cursor=cursor, limit=limit, base_url=base
    )
    return conditional_response(request, found)


@router.post(
    "/datasets/{dataset_id}/versions",
    status_code=201,
    response_model=VersionOut,
    responses=IDEMPOTENCY_RESPONSES,
    summary="Publish a file already in open-data storage as the next version",
)
async def register_version(
    *,
    _key: IdempotencyDep,
    dataset_id: DatasetPath,
    body: RegisterVersionIn,
    session: SessionDep,
    storage: StorageDep,
    audit: AuditDep,
    base: BaseUrlDep,
    _publisher: Publisher,
) -> VersionOut:
    return await service.register_version(
        session, storage, dataset_id, body, audit=audit, base_url=base
    )


@router.post(
    "/datasets/{dataset_id}/versions/upload",
    status_code=201,
    response_model=VersionOut,
    responses=IDEMPOTENCY_RESPONSES,
    openapi_extra=_BINARY_BODY,
    summary="Upload the next version (the body is the file)",
)
async def upload_version(
    *,
    request: Request,
    _key: IdempotencyDep,  # fingerprints the body: at most the edge's max_body_bytes
    dataset_id: DatasetPath,
    session: SessionDep,
    storage: StorageDep,
    audit: AuditDep,
    base: BaseUrlDep,
    _publisher: Publisher,
    row_count: Annotated[int | None, Query(ge=0)] = None,
    change_note: Annotated[str, Query(max_length=2000)] = "",
) -> VersionOut:
    settings: IpSearchSettings = request.app.state.settings
    return await service.upload_version(
        session,
        storage,
        dataset_id,
        request.stream(),
        max_bytes=settings.open_data_upload_max_bytes,
        row_count=row_count,
        change_note=change_note,
        audit=audit,
        base_url=base,
    )


_DOWNLOAD_PATH = "/datasets/{dataset_id}/versions/{version}/download"


@router.head(
    _DOWNLOAD_PATH,
    operation_id="download_version_head",
    response_class=Response,
    summary="Headers of a download (size, ETag) without the file",
)
@router.get(
    _DOWNLOAD_PATH,
    operation_id="download_version",
    response_class=Response,
    responses=_FILE,
    summary="Download a version (ETag = SHA-256, Range, If-None-Match)",
)
async def download(
    *,
    request: Request,
    dataset_id: DatasetPath,
    version: VersionPath,
    session: SessionDep,
    context: DownloadContextDep,
    api_key: ApiKeyHeader = None,
) -> Response:
    wanted = downloads.DownloadRequest(
        dataset_id=dataset_id,
        version=version,
        counted=request.method == "GET",
        conditions=Conditions.from_headers(request.headers),
        api_key=api_key,
    )
    delivery = await downloads.deliver(session, context, wanted)
    return delivery_response(delivery, head=request.method == "HEAD")


@router.post("/api-keys", status_code=201, response_model=ApiKeyOut, summary="Issue an API key")
async def create_api_key(
    *,
    body: ApiKeyIn,
    session: SessionDep,
    index: BlindIndexDep,
    audit: AuditDep,
    _publisher: Publisher,
) -> ApiKeyOut:
    return await service.create_api_key(session, index, body, audit)


@router.delete("/api-keys/{key_id}", status_code=204, summary="Revoke an API key")
async def revoke_api_key(
    *,
    key_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    session: SessionDep,
    audit: AuditDep,
    _publisher: Publisher,
) -> Response:
    await service.revoke_api_key(session, key_id, audit)
    return Response(status_code=204)
