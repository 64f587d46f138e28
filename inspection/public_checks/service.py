"""Use cases of the public checks: the cached answer, and the signed status document.

The answer's bytes (and their ETag) are cached per subject and Taipei date, in Redis and in each
replica's memory; a warm check touches neither PostgreSQL nor a session. Officer actions
invalidate the keys after they commit (``subjects.forget``), so a suspension shows at once on
every replica (``common.cache_generation``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from common.caching import RedisCache, Representation
from common.database import request_session
from common.errors import NotFound
from inspection.domain.qr_payload import build_qr_payload
from inspection.domain.signed_status import (
    SubjectKind,
    build_status_document,
    sign_status_document,
)
from inspection.domain.status import CertificateState, CertificateStatus
from inspection.domain.status_keys import SigningKey
from inspection.domain.taipei_time import taipei_date
from inspection.public_checks import answers, repository
from inspection.public_checks.schemas import PublicCheck, SignedStatus
from inspection.public_checks.subjects import cache_key, normalise
from inspection.settings import InspectionSettings


async def cached_check(
    request: Request, cache: RedisCache, kind: SubjectKind, raw_id: str, now: datetime
) -> Representation:
    """The JSON answer for ``raw_id``: 422 if malformed, 404 if unknown."""
    subject_id = normalise(kind, raw_id)
    settings: InspectionSettings = request.app.state.settings

    async def compute() -> bytes:
        session = await request_session(request)  # opened only on a cache miss
        check = await evaluate(session, kind, subject_id, now, settings.qr_base_url)
        return check.model_dump_json().encode()

    key = cache_key(kind, subject_id, now)
    return await cache.representation(key, settings.public_check_cache_seconds, compute)


async def evaluate(
    session: AsyncSession, kind: SubjectKind, subject_id: str, now: datetime, qr_base: str
) -> PublicCheck:
    if kind is SubjectKind.MARK:
        return await _mark(session, subject_id, now, qr_base)
    if kind is SubjectKind.INSTRUMENT:
        return await _instrument(session, subject_id, now, qr_base)
    if kind is SubjectKind.CERTIFICATE:
        row = await repository.certificate_by_number(session, subject_id)
        holder_column = "holder_name"
    else:
        row = await repository.cns_mark_by_number(session, subject_id)
        holder_column = "firm_name"
    if row is None:
        raise NotFound(f"no {kind.value.replace('_', ' ')} {subject_id}")
    state = answers.ledger_state(row, now)
    return _answer(
        kind,
        subject_id,
        state=state,
        now=now,
        qr_base=qr_base,
        holder=row[holder_column],
        product=row["product_name"],
    )


async def _mark(session: AsyncSession, mark_id: str, now: datetime, qr_base: str) -> PublicCheck:
    holder = await repository.mark_holder(session, mark_id)
    if holder is None:
        raise NotFound(f"no commodity safety mark {mark_id}")
    rows = await repository.certificates_of_mark(session, mark_id)
    state = answers.mark_state([answers.ledger_state(row, now) for row in rows])
    numbers = [row["number"] for row in rows]
    check = _answer(
        SubjectKind.MARK,
        mark_id,
        state=state,
        now=now,
        qr_base=qr_base,
        holder=holder,
        product=None,
    )
    return check.model_copy(update={"certificates": numbers})


async def _instrument(
    session: AsyncSession, serial: str, now: datetime, qr_base: str
) -> PublicCheck:
    row = await repository.instrument_by_serial(session, serial)
    if row is None:
        raise NotFound(f"no registered instrument with serial {serial}")
    product = f"{row['kind']}: {row['maker']} {row['model']}"
    state = answers.instrument_state(row, now)
    holder = row["owner_firm_name"]  # a private owner's name is personal data: never public
    return _answer(
        SubjectKind.INSTRUMENT,
        serial,
        state=state,
        now=now,
        qr_base=qr_base,
        holder=holder,
        product=product,
    )


def _answer(
    kind: SubjectKind,
    subject_id: str,
    *,
    state: CertificateState,
    now: datetime,
    qr_base: str,
    holder: str | None,
    product: str | None,
) -> PublicCheck:
    return PublicCheck(
        kind=kind,
        id=subject_id,
        status=state.status,
        valid=state.status is CertificateStatus.VALID,
        valid_from=state.valid_from,
        valid_until=state.valid_until,
        since=state.since,
        holder=holder,
        product=product,
        as_of=taipei_date(now),
        qr_payload=build_qr_payload(qr_base, kind, subject_id),
    )


def signed(
    check: PublicCheck,
    key: SigningKey,
    settings: InspectionSettings,
    now: datetime,
    jwks_uri: str,
) -> SignedStatus:
    state = CertificateState(check.status, check.valid_from, check.valid_until, check.since)
    document = build_status_document(
        check.kind,
        check.id,
        state,
        holder=check.holder,
        issuer=settings.status_issuer,
        checked_at=now,
        lifetime=timedelta(hours=settings.status_document_hours),
    )
    jws = sign_status_document(document, key)
    return SignedStatus(jws=jws, kid=key.kid, jwks_uri=jwks_uri, expires_at=document.expires_at)
