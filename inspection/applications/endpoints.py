"""Application routes: firms file and edit drafts; both sides step through the workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request, Response

from common.audit import AuditDep
from common.auth import Principal, Role, require_home_roles, require_roles
from common.caching import CacheDep, RedisCache
from common.database import ServiceRouter, SessionDep, after_commit
from common.errors import PRECONDITION_RESPONSES
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep
from common.pagination import Cursor, Limit
from common.pii import CipherDep
from inspection.applications import service, steps
from inspection.applications.schemas import (
    ActionIn,
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    ApplicationPatch,
    DocumentIn,
)
from inspection.domain.stages import ActionKind, Stage
from inspection.public_checks.subjects import Subject, forget
from inspection.web.clock import NowDep

router = ServiceRouter(prefix="/applications", tags=["inspection applications"])

Firm = Annotated[Principal, Depends(require_roles(Role.FIRM))]
Party = Annotated[Principal, Depends(require_home_roles(Role.FIRM, Role.OFFICER))]
ApplicationId = Annotated[int, Path(ge=1, le=2**63 - 1)]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200)]


def _with_etag(response: Response, tag: str) -> None:
    response.headers["ETag"] = tag


def _forget_after_commit(
    request: Request, cache: RedisCache, subjects: list[Subject], now: datetime
) -> None:
    if not subjects:
        return

    async def invalidate() -> None:
        await forget(cache, subjects, now)

    after_commit(request, invalidate)


@router.post(
    "",
    status_code=201,
    response_model=ApplicationOut,
    responses=IDEMPOTENCY_RESPONSES,
    summary="File a draft application (send Idempotency-Key to retry safely)",
)
async def create_application(
    request: Request,
    response: Response,
    *,
    body: ApplicationIn,
    session: SessionDep,
    audit: AuditDep,
    principal: Firm,
    _key: IdempotencyDep,
) -> ApplicationOut:
    out, tag = await service.create(session, principal, body, audit)
    _with_etag(response, tag)
    response.headers["Location"] = str(request.url_for("get_application", application_id=out.id))
    return out


@router.get("", response_model=ApplicationPage, summary="Your applications (officers: all)")
async def list_applications(
    session: SessionDep,
    principal: Party,
    limit: Limit = 20,
    cursor: Cursor = None,
    stage: Annotated[Stage | None, Query()] = None,
) -> ApplicationPage:
    return await service.listing(session, principal, stage=stage, cursor=cursor, limit=limit)


@router.get("/{application_id}", response_model=ApplicationOut, summary="One application")
async def get_application(
    response: Response, application_id: ApplicationId, session: SessionDep, principal: Party
) -> ApplicationOut:
    out, tag = await service.read(session, principal, application_id)
    _with_etag(response, tag)
    return out


@router.patch(
    "/{application_id}",
    response_model=ApplicationOut,
    responses=PRECONDITION_RESPONSES,
    summary="Edit a draft (If-Match required: 428 without, 412 when stale)",
)
async def edit_application(
    response: Response,
    application_id: ApplicationId,
    *,
    body: ApplicationPatch,
    if_match: IfMatch = None,
    session: SessionDep,
    audit: AuditDep,
    principal: Firm,
) -> ApplicationOut:
    out, tag = await service.edit_draft(
        session, principal, application_id, body=body, if_match=if_match, audit=audit
    )
    _with_etag(response, tag)
    return out


@router.post(
    "/{application_id}/documents",
    status_code=201,
    response_model=ApplicationOut,
    responses=IDEMPOTENCY_RESPONSES,
    summary="Attach a document's metadata to a draft",
)
async def attach_document(
    response: Response,
    application_id: ApplicationId,
    *,
    body: DocumentIn,
    session: SessionDep,
    audit: AuditDep,
    principal: Firm,
    _key: IdempotencyDep,
) -> ApplicationOut:
    out, tag = await service.attach(session, principal, application_id, body=body, audit=audit)
    _with_etag(response, tag)
    return out


@router.post(
    "/{application_id}/actions/{action}",
    response_model=ApplicationOut,
    summary="One workflow step (403 wrong party, 409 not allowed now, 422 bad input)",
)
async def application_action(
    request: Request,
    response: Response,
    *,
    application_id: ApplicationId,
    action: ActionKind,
    body: ActionIn,
    session: SessionDep,
    audit: AuditDep,
    cache: CacheDep,
    cipher: CipherDep,
    now: NowDep,
    principal: Party,
) -> ApplicationOut:
    out, tag, subjects = await steps.step(
        session,
        principal,
        application_id,
        kind=action,
        body=body,
        now=now,
        audit=audit,
        cipher=cipher,
        tables=request.app.state.tables,
    )
    _forget_after_commit(request, cache, subjects, now)
    _with_etag(response, tag)
    return out
