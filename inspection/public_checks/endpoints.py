"""Public routes: checks by kind and id, their signed form, QR payloads and the JWKS."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import orjson
from fastapi import Path, Query, Request, Response

from common.caching import CacheDep, RedisCache, app_cache, conditional_response
from common.database import ServiceRouter
from common.errors import PROBLEM_MEDIA_TYPE, Problem, UnprocessableContent
from inspection.domain.qr_payload import InvalidQrPayload, parse_qr_payload
from inspection.domain.signed_status import SubjectKind
from inspection.domain.status_keys import jwks
from inspection.public_checks import service
from inspection.public_checks.schemas import JsonWebKeySet, PublicCheck, SignedStatus
from inspection.web.clock import NowDep, app_now
from inspection.web.signing import SettingsDep, SigningKeyDep

router = ServiceRouter(tags=["public checks"])

JWKS_PATH = "/.well-known/jwks.json"
SubjectId = Annotated[str, Path(min_length=1, max_length=64, description="As printed or typed")]
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}} for status in (404, 422)
}


@router.get(
    "/public-checks/{kind}/{subject_id}",
    response_model=PublicCheck,
    responses=_PROBLEMS,
    summary="Is this mark, certificate, CNS mark or instrument valid?",
)
async def public_check(request: Request, kind: SubjectKind, subject_id: SubjectId) -> Response:
    # The busiest route of the service takes its cache and clock by plain calls: solving them
    # as dependencies cost more per request than the whole in-memory cache hit.
    cache, now = app_cache(request), app_now(request)
    answer = await service.cached_check(request, cache, kind, subject_id, now)
    # max-age=0: shared caches revalidate (cheap, ETag) so a suspension shows at once.
    return conditional_response(request, answer, max_age=0)


@router.get(
    "/public-checks/{kind}/{subject_id}/signed",
    response_model=SignedStatus,
    responses=_PROBLEMS,
    summary="The check as a signed status document (JWS, verify with the JWKS)",
)
async def signed_check(
    request: Request,
    *,
    kind: SubjectKind,
    subject_id: SubjectId,
    cache: CacheDep,
    now: NowDep,
    key: SigningKeyDep,
    settings: SettingsDep,
) -> SignedStatus:
    return await _signed(
        request, cache=cache, kind=kind, subject_id=subject_id, now=now, key=key, settings=settings
    )


@router.get(
    "/public-checks/qr",
    response_model=SignedStatus,
    responses=_PROBLEMS,
    summary="Resolve a scanned QR payload to its signed status document",
)
async def resolve_qr(
    request: Request,
    *,
    payload: Annotated[str, Query(min_length=1, max_length=300)],
    cache: CacheDep,
    now: NowDep,
    key: SigningKeyDep,
    settings: SettingsDep,
) -> SignedStatus:
    try:
        kind, subject_id = parse_qr_payload(payload, settings.qr_base_url)
    except InvalidQrPayload as error:
        raise UnprocessableContent(str(error)) from None
    return await _signed(
        request, cache=cache, kind=kind, subject_id=subject_id, now=now, key=key, settings=settings
    )


@router.get(
    "/Q/{code}/{subject_id}",
    response_model=SignedStatus,
    responses=_PROBLEMS,
    summary="The URL printed in a QR code: its signed status document",
)
async def printed_qr(
    request: Request,
    *,
    code: Annotated[str, Path(pattern="^[A-Za-z]$")],
    subject_id: SubjectId,
    cache: CacheDep,
    now: NowDep,
    key: SigningKeyDep,
    settings: SettingsDep,
) -> SignedStatus:
    payload = f"{settings.qr_base_url.rstrip('/')}/Q/{code}/{quote(subject_id, safe='')}"
    return await resolve_qr(
        request, payload=payload, cache=cache, now=now, key=key, settings=settings
    )


@router.get(
    JWKS_PATH,
    response_model=JsonWebKeySet,
    summary="The public keys that sign status documents",
)
async def published_keys(request: Request, key: SigningKeyDep) -> Response:
    return conditional_response(request, orjson.dumps(jwks(key)), max_age=300)


async def _signed(
    request: Request,
    *,
    cache: RedisCache,
    kind: SubjectKind,
    subject_id: str,
    now: NowDep,
    key: SigningKeyDep,
    settings: SettingsDep,
) -> SignedStatus:
    answer = await service.cached_check(request, cache, kind, subject_id, now)
    check = PublicCheck.model_validate_json(answer.body)
    jwks_uri = str(request.url_for("published_keys"))
    return service.signed(check, key, settings, now, jwks_uri)
