"""Routes of exports: request a county's CSV, poll it, download it (audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request, Response

from common.audit import AuditDep
from common.auth import Principal, Role, require_home_roles
from common.database import ServiceRouter, SessionDep
from common.pii import CipherDep
from investment.exports import service
from investment.exports.schemas import ExportIn, ExportOut

router = ServiceRouter(tags=["exports"])

Staff = Annotated[Principal, Depends(require_home_roles(Role.SURVEYOR, Role.OFFICER, Role.ADMIN))]
ExportId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _prefix(request: Request) -> str:
    return str(request.scope.get("root_path", ""))


@router.post(
    "/campaigns/{year}/exports",
    status_code=202,
    response_model=ExportOut,
    summary="Export a county's returns as CSV (an async job)",
)
async def request_export(
    *,
    request: Request,
    year: Annotated[int, Path(ge=2000, le=2100)],
    payload: ExportIn,
    session: SessionDep,
    staff: Staff,
    audit: AuditDep,
) -> ExportOut:
    export = await service.request_export(
        session, staff, year, payload.county_code, _prefix(request)
    )
    await audit.record("export.request", "survey_export", str(export.id))
    return export


@router.get("/exports/{export_id}", response_model=ExportOut, summary="An export's status")
async def get_export(
    request: Request, export_id: ExportId, session: SessionDep, staff: Staff
) -> ExportOut:
    return await service.get_export(session, staff, export_id, _prefix(request))


@router.get(
    "/exports/{export_id}/content",
    summary="Download a finished export (CSV; audited: it holds contact persons)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def export_content(
    export_id: ExportId, session: SessionDep, staff: Staff, cipher: CipherDep, audit: AuditDep
) -> Response:
    content = await service.export_content(session, staff, export_id, cipher)
    await audit.record("export.read", "survey_export", str(export_id))
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="returns-{export_id}.csv"',
            "Cache-Control": "private, no-store",
        },
    )
