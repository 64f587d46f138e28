"""``GET /audit/trail/{record_type}/{record_id}``: the data trail of one record, for officers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Request

from common.audit.dependencies import AuditDep
from common.audit.repository import TrailKey, trail_page
from common.audit.schemas import AuditEventOut
from common.audit.scope import ensure_trail_readable
from common.auth.dependencies import require_roles
from common.auth.principal import Principal, Role
from common.database import ServiceRouter, SessionDep
from common.errors import BadRequest
from common.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor

router = ServiceRouter(prefix="/audit", tags=["audit"])

TrailReader = Annotated[Principal, Depends(require_roles(Role.OFFICER, Role.SURVEYOR, Role.ADMIN))]
RecordType = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[^\x00]+$")]
RecordId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]


# ``:path``: a record id may hold a slash (a dataset version is "dataset/3")
@router.get("/trail/{record_type}/{record_id:path}", response_model=Page[AuditEventOut])
async def read_trail(
    *,
    request: Request,
    record_type: RecordType,
    record_id: RecordId,
    reader: TrailReader,
    session: SessionDep,
    audit: AuditDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AuditEventOut]:
    """Events about one record, newest first. Reading a trail is itself an audited event."""
    owner = request.app.state.trail_owner
    await ensure_trail_readable(owner, session, reader, record_type, record_id)
    rows = await trail_page(
        session, audit.table, record_type, record_id, before=_key(cursor), limit=limit
    )
    items = [AuditEventOut.model_validate(dict(row._mapping)) for row in rows[:limit]]
    next_cursor = (
        encode_cursor([items[-1].occurred_at.isoformat(), items[-1].id])
        if len(rows) > limit
        else None
    )
    await audit.record("audit.trail.read", record_type, record_id, details={"rows": len(items)})
    return Page(items=items, next_cursor=next_cursor)


def _key(cursor: str | None) -> TrailKey | None:
    if not cursor:
        return None
    occurred_at, row_id = decode_cursor(cursor, 2)
    if not isinstance(occurred_at, str) or type(row_id) is not int:
        raise BadRequest("cursor is not valid")
    try:
        return TrailKey(datetime.fromisoformat(occurred_at), row_id)
    except ValueError as exc:
        raise BadRequest("cursor is not valid") from exc
