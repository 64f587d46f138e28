"""Routes of a firm's trademark watches and their alerts (firm tokens only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from common.audit import AuditDep
from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from common.fields import PositiveInt64
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep
from common.pagination import Cursor, Limit, Page
from common.pii import CipherDep
from ip_search.watches import service
from ip_search.watches.schemas import (
    AlertOut,
    MarkReadIn,
    MarkReadOut,
    WatchIn,
    WatchOut,
    WatchPatch,
)

router = ServiceRouter(prefix="/watches", tags=["watches"])
Firm = Annotated[Principal, Depends(require_roles(Role.FIRM))]
WatchId = Annotated[PositiveInt64, Path()]


@router.post(
    "",
    response_model=WatchOut,
    status_code=201,
    responses=IDEMPOTENCY_RESPONSES,
    summary="Watch the register for marks like yours",
    description=(
        "After each import, marks sharing a Nice class or similar group with the watch whose "
        "explained similarity reaches `threshold` become alerts (once per mark); the webhook, "
        "if given, receives a signed POST per watch and import."
    ),
)
async def create_watch(
    *,
    request: Request,
    body: WatchIn,
    principal: Firm,
    _key: IdempotencyDep,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
) -> WatchOut:
    limit = request.app.state.settings.watches_per_firm
    return await service.create_watch(session, audit, cipher, principal, body, limit=limit)


@router.get("", response_model=Page[WatchOut], summary="The firm's watches")
async def list_watches(
    principal: Firm, session: SessionDep, limit: Limit = 20, cursor: Cursor = None
) -> Page[WatchOut]:
    return await service.list_watches(session, principal, cursor, limit)


@router.get("/{watch_id}", response_model=WatchOut, summary="One watch")
async def get_watch(watch_id: WatchId, principal: Firm, session: SessionDep) -> WatchOut:
    return await service.get_watch(session, principal, watch_id)


@router.patch("/{watch_id}", response_model=WatchOut, summary="Change a watch")
async def update_watch(
    *,
    watch_id: WatchId,
    body: WatchPatch,
    principal: Firm,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
) -> WatchOut:
    return await service.update_watch(
        session, audit, cipher, principal, watch_id=watch_id, body=body
    )


@router.delete("/{watch_id}", status_code=204, summary="Delete a watch and its alerts")
async def delete_watch(
    watch_id: WatchId, principal: Firm, session: SessionDep, audit: AuditDep
) -> Response:
    await service.delete_watch(session, audit, principal, watch_id)
    return Response(status_code=204)


@router.get(
    "/{watch_id}/alerts", response_model=Page[AlertOut], summary="Alerts of a watch, newest first"
)
async def list_alerts(
    *,
    watch_id: WatchId,
    principal: Firm,
    session: SessionDep,
    unread: Annotated[bool, Query(description="Only alerts not yet marked read")] = False,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[AlertOut]:
    return await service.list_alerts(
        session, principal, watch_id, unread_only=unread, cursor=cursor, limit=limit
    )


@router.post("/{watch_id}/alerts/read", response_model=MarkReadOut, summary="Mark alerts read")
async def mark_alerts_read(
    watch_id: WatchId, body: MarkReadIn, principal: Firm, session: SessionDep
) -> MarkReadOut:
    return await service.mark_read(session, principal, watch_id, body)
