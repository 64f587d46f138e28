"""Metrology routes: officers register instruments and record results; owners apply."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from common.audit import AuditDep
from common.auth import Principal, Role, require_home_roles
from common.caching import CacheDep
from common.database import ServiceRouter, SessionDep, after_commit
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep
from common.pii import CipherDep
from inspection.metrology import service
from inspection.metrology.schemas import InstrumentIn, InstrumentOut, ResultIn, VerificationIn
from inspection.public_checks.subjects import forget
from inspection.web.clock import NowDep

router = ServiceRouter(tags=["metrology"])

Officer = Annotated[Principal, Depends(require_home_roles(Role.OFFICER))]
Party = Annotated[Principal, Depends(require_home_roles(Role.FIRM, Role.OFFICER))]
Serial = Annotated[str, Path(min_length=1, max_length=60)]


@router.post("/instruments", status_code=201, response_model=InstrumentOut, summary="Register")
async def register_instrument(
    body: InstrumentIn,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
    now: NowDep,
    _officer: Officer,
) -> InstrumentOut:
    return await service.register(session, cipher, body, now=now, audit=audit)


@router.get("/instruments/{serial}", response_model=InstrumentOut, summary="One instrument")
async def get_instrument(
    serial: Serial,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
    now: NowDep,
    _party: Party,
) -> InstrumentOut:
    return await service.show(session, cipher, serial, now=now, audit=audit)


@router.post(
    "/instruments/{serial}/verifications",
    status_code=201,
    response_model=InstrumentOut,
    responses=IDEMPOTENCY_RESPONSES,
    summary="Apply for verification or re-verification",
)
async def apply_for_verification(
    serial: Serial,
    *,
    body: VerificationIn,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
    now: NowDep,
    principal: Party,
    _key: IdempotencyDep,
) -> InstrumentOut:
    return await service.apply(session, cipher, principal, serial, body=body, now=now, audit=audit)


@router.post(
    "/verifications/{verification_id}/result",
    response_model=InstrumentOut,
    summary="Record a verification result (sets the sticker's validity)",
)
async def record_result(
    request: Request,
    verification_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    *,
    body: ResultIn,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
    cache: CacheDep,
    now: NowDep,
    _officer: Officer,
) -> InstrumentOut:
    out, subjects = await service.record_result(
        session, cipher, verification_id, body=body, now=now, audit=audit
    )

    async def invalidate() -> None:
        await forget(cache, subjects, now)

    after_commit(request, invalidate)
    return out
