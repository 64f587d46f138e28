"""Routes of declarations: batches as JSON or CSV (customs layout), and their lines."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from common.audit import AuditDep
from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from common.errors import UnprocessableContent
from common.fields import PositiveInt64
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep
from common.pagination import Cursor, Limit, Page
from tax_exemption.declarations import service
from tax_exemption.declarations.csv_layout import COLUMNS, parse_csv
from tax_exemption.declarations.schemas import BatchIn, BatchOut, LineOut

router = ServiceRouter(prefix="/declarations", tags=["declarations"])
Officer = Annotated[Principal, Depends(require_roles(Role.OFFICER))]
BatchId = Annotated[PositiveInt64, Path()]

_CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": ",".join(COLUMNS) + "\n",
            }
        },
    }
}


@router.post(
    "/batches",
    response_model=BatchOut,
    status_code=202,
    summary="Ingest declaration lines (JSON); matching runs as a job",
    responses=IDEMPOTENCY_RESPONSES,
)
async def ingest_batch(
    *,
    request: Request,
    body: BatchIn,
    _principal: Officer,
    session: SessionDep,
    audit: AuditDep,
    _idempotency: IdempotencyDep,
) -> BatchOut:
    max_lines = request.app.state.settings.max_batch_lines
    if len(body.lines) > max_lines:
        raise UnprocessableContent(f"at most {max_lines} lines per batch")
    return await service.ingest(session, audit, body.lines, source="json")


@router.post(
    "/batches/csv",
    response_model=BatchOut,
    status_code=202,
    summary="Ingest a CSV file in the customs field layout (whole file or nothing)",
    openapi_extra=_CSV_BODY,
    responses=IDEMPOTENCY_RESPONSES,
)
async def ingest_csv(
    *,
    request: Request,
    _principal: Officer,
    session: SessionDep,
    audit: AuditDep,
    _idempotency: IdempotencyDep,
    filename: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00/\\]+$")] = None,
) -> BatchOut:
    parsed = parse_csv(await request.body(), request.app.state.settings.max_batch_lines)
    if parsed.errors:
        raise UnprocessableContent(
            "the file was not taken: fix the lines named", errors=parsed.errors
        )
    return await service.ingest(session, audit, parsed.lines, source="csv", filename=filename)


@router.get("/batches/{batch_id}", response_model=BatchOut, summary="A batch and its counts")
async def get_batch(batch_id: BatchId, _principal: Officer, session: SessionDep) -> BatchOut:
    return await service.read_batch(session, batch_id)


@router.get(
    "/batches/{batch_id}/lines",
    response_model=Page[LineOut],
    summary="The lines of a batch with their matching decisions",
)
async def get_batch_lines(
    batch_id: BatchId,
    _principal: Officer,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[LineOut]:
    return await service.batch_lines(session, batch_id, cursor, limit)
