"""Officer routes of the registry (issue, reissue, suspend, lift, revoke) and holder reads.

A change deletes the affected public-check answers from Redis once it has committed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Request, Response

from common.audit import AuditDep
from common.auth import Principal, Role, require_home_roles
from common.caching import CacheDep, RedisCache
from common.database import ServiceRouter, SessionDep, after_commit
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep
from common.pii import CipherDep
from inspection.certificates import service
from inspection.certificates.schemas import (
    CertificateActionIn,
    CertificateIn,
    CertificateOut,
    ContactOut,
    SafetyMarkIn,
    SafetyMarkOut,
)
from inspection.domain.status import CertificateAction
from inspection.ledger.service import OfficerAction
from inspection.public_checks.subjects import Subject, forget
from inspection.web.clock import NowDep

router = ServiceRouter(tags=["marks and certificates"])

Officer = Annotated[Principal, Depends(require_home_roles(Role.OFFICER))]
Reader = Annotated[Principal, Depends(require_home_roles(Role.OFFICER, Role.FIRM))]
Number = Annotated[str, Path(min_length=1, max_length=40, description="e.g. RC114000123")]
# Issue has its own route; these are the actions on an issued certificate.
OfficerVerb = Annotated[
    CertificateAction,
    Path(description="reissue, suspend, lift_suspension or revoke"),
]


def _forget_after_commit(
    request: Request, cache: RedisCache, subjects: list[Subject], now: datetime
) -> None:
    async def invalidate() -> None:
        await forget(cache, subjects, now)

    after_commit(request, invalidate)


@router.post(
    "/safety-marks", status_code=201, response_model=SafetyMarkOut, summary="Assign a mark ID"
)
async def assign_mark(
    body: SafetyMarkIn, session: SessionDep, audit: AuditDep, _: Officer
) -> SafetyMarkOut:
    return await service.register_mark(session, body, audit)


@router.post(
    "/certificates",
    status_code=201,
    response_model=CertificateOut,
    responses=IDEMPOTENCY_RESPONSES,
    summary="Issue a certificate (its number is assigned)",
)
async def issue_certificate(
    request: Request,
    *,
    response: Response,
    body: CertificateIn,
    session: SessionDep,
    audit: AuditDep,
    cache: CacheDep,
    cipher: CipherDep,
    now: NowDep,
    _officer: Officer,
    _key: IdempotencyDep,
) -> CertificateOut:
    out, subjects = await service.issue(session, cipher, body, now=now, audit=audit)
    _forget_after_commit(request, cache, subjects, now)
    response.headers["Location"] = str(request.url_for("get_certificate", number=out.number))
    return out


@router.post(
    "/certificates/{number}/actions/{action}",
    response_model=CertificateOut,
    summary="Reissue, suspend, lift a suspension or revoke (audited; 409 when not allowed)",
)
async def certificate_action(
    request: Request,
    *,
    number: Number,
    action: OfficerVerb,
    body: CertificateActionIn,
    session: SessionDep,
    audit: AuditDep,
    cache: CacheDep,
    now: NowDep,
    _officer: Officer,
) -> CertificateOut:
    request_action = OfficerAction(action, body.reason, body.valid_from, body.valid_until)
    out, subjects = await service.act(session, number, request_action, now, audit)
    _forget_after_commit(request, cache, subjects, now)
    return out


@router.get("/certificates/{number}", response_model=CertificateOut, summary="One certificate")
async def get_certificate(
    number: Number, session: SessionDep, principal: Reader, now: NowDep
) -> CertificateOut:
    return await service.get(session, number, principal, now)


@router.get(
    "/certificates/{number}/contact",
    response_model=ContactOut,
    summary="The holder's contact person (officers; audited)",
)
async def certificate_contact(
    number: Number,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
    _officer: Officer,
) -> ContactOut:
    return await service.read_contact(session, cipher, number, audit)
