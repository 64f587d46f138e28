"""CNS mark routes: officers register and act; anyone searches and reads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from common.audit import AuditDep
from common.auth import Principal, Role, require_home_roles
from common.caching import CacheDep, RedisCache, conditional_response
from common.database import ServiceRouter, SessionDep, after_commit
from common.fields import SafeText
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep
from common.pagination import Cursor, Limit
from inspection.certificates.schemas import CertificateActionIn
from inspection.cns_marks import service
from inspection.cns_marks.schemas import CnsMarkIn, CnsMarkOut, CnsMarkPage
from inspection.domain.status import CertificateAction
from inspection.ledger.service import OfficerAction
from inspection.public_checks.subjects import Subject, forget
from inspection.web.clock import NowDep

router = ServiceRouter(prefix="/cns-marks", tags=["CNS marks"])

Officer = Annotated[Principal, Depends(require_home_roles(Role.OFFICER))]
Number = Annotated[str, Path(min_length=1, max_length=20, description="證書字號")]
SearchText = Annotated[SafeText | None, Query(max_length=100)]


def _forget_after_commit(
    request: Request, cache: RedisCache, subjects: list[Subject], now: datetime
) -> None:
    async def invalidate() -> None:
        await forget(cache, subjects, now)

    after_commit(request, invalidate)


@router.post(
    "",
    status_code=201,
    response_model=CnsMarkOut,
    responses=IDEMPOTENCY_RESPONSES,
    summary="Register a CNS mark certificate",
)
async def register_cns_mark(
    request: Request,
    *,
    body: CnsMarkIn,
    session: SessionDep,
    audit: AuditDep,
    cache: CacheDep,
    now: NowDep,
    _officer: Officer,
    _key: IdempotencyDep,
) -> CnsMarkOut:
    out, subjects = await service.register(session, body, now, audit)
    _forget_after_commit(request, cache, subjects, now)
    return out


@router.post(
    "/{number}/actions/{action}",
    response_model=CnsMarkOut,
    summary="Reissue, suspend, lift a suspension or revoke (audited; 409 when not allowed)",
)
async def cns_mark_action(
    request: Request,
    *,
    number: Number,
    action: CertificateAction,
    body: CertificateActionIn,
    session: SessionDep,
    audit: AuditDep,
    cache: CacheDep,
    now: NowDep,
    _officer: Officer,
) -> CnsMarkOut:
    request_action = OfficerAction(action, body.reason, body.valid_from, body.valid_until)
    out, subjects = await service.act(session, number, request_action, now, audit)
    _forget_after_commit(request, cache, subjects, now)
    return out


@router.get(
    "/search",
    response_model=CnsMarkPage,
    summary="Search CNS marks by certificate no., CNS standard, product, firm or factory",
)
async def search_cns_marks(
    request: Request,
    *,
    session: SessionDep,
    now: NowDep,
    limit: Limit = 20,
    cursor: Cursor = None,
    number: Annotated[str | None, Query(max_length=20)] = None,
    cns_standard: Annotated[str | None, Query(max_length=20)] = None,
    product: SearchText = None,
    firm: SearchText = None,
    factory: SearchText = None,
) -> Response:
    filters = service.filters_from(number, cns_standard, product, firm, factory)
    page = await service.search(session, filters, cursor, limit, now)
    return conditional_response(request, page)


@router.get("/{number}", response_model=CnsMarkOut, summary="One CNS mark with its history")
async def get_cns_mark(
    request: Request, number: Number, session: SessionDep, now: NowDep
) -> Response:
    return conditional_response(request, await service.get(session, number, now), max_age=0)
