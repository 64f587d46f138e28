"""Routes of filings: thin wrappers that authorize, call the service and set the ETag."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request, Response

from common.audit import AuditDep
from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from common.fields import PositiveInt64
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep
from common.pagination import Cursor, Limit, Page
from common.pii import CipherDep
from tax_exemption.domain.workflow import FilingAction
from tax_exemption.filings import service
from tax_exemption.filings.etag import filing_etag
from tax_exemption.filings.schemas import (
    DecisionIn,
    FilingFilter,
    FilingIn,
    FilingOut,
    FilingSummary,
    MessageIn,
)

router = ServiceRouter(prefix="/filings", tags=["filings"])
Caller = Annotated[Principal, Depends(require_roles(Role.FIRM, Role.OFFICER))]
Firm = Annotated[Principal, Depends(require_roles(Role.FIRM))]
Officer = Annotated[Principal, Depends(require_roles(Role.OFFICER))]
FilingId = Annotated[PositiveInt64, Path(description="Filing id")]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200)]


def _tagged(response: Response, filing: FilingOut) -> FilingOut:
    response.headers["ETag"] = filing_etag(filing.id, filing.version)
    return filing


@router.post(
    "",
    response_model=FilingOut,
    status_code=201,
    summary="Start a filing (saved as a draft)",
    responses=IDEMPOTENCY_RESPONSES,
)
async def create_filing(
    *,
    request: Request,
    response: Response,
    body: FilingIn,
    principal: Caller,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
    _idempotency: IdempotencyDep,
) -> FilingOut:
    agency = request.app.state.settings.agency
    filing = await service.create(session, audit, cipher, principal, body, agency=agency)
    response.headers["Location"] = f"{request.url.path}/{filing.id}"
    return _tagged(response, filing)


@router.get("", response_model=Page[FilingSummary], summary="Filings the caller may see")
async def list_filings(
    *,
    principal: Caller,
    session: SessionDep,
    params: Annotated[FilingFilter, Query()],
    cursor: Cursor = None,
    limit: Limit = 20,
) -> Page[FilingSummary]:
    return await service.list_filings(session, principal, params, cursor, limit)


@router.get("/{filing_id}", response_model=FilingOut, summary="One filing")
async def get_filing(
    *,
    response: Response,
    filing_id: FilingId,
    principal: Caller,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
) -> FilingOut:
    return _tagged(response, await service.read(session, audit, cipher, principal, filing_id))


@router.put("/{filing_id}", response_model=FilingOut, summary="Save a draft (needs If-Match)")
async def replace_draft(
    *,
    response: Response,
    filing_id: FilingId,
    body: FilingIn,
    principal: Firm,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
    if_match: IfMatch = None,
) -> FilingOut:
    filing = await service.replace_draft(
        session, audit, cipher, principal, filing_id, if_match=if_match, body=body
    )
    return _tagged(response, filing)


async def _act(
    *,
    response: Response,
    action: FilingAction,
    filing_id: int,
    principal: Principal,
    audit: AuditDep,
    cipher: CipherDep,
    if_match: str | None,
) -> FilingOut:
    filing = await service.act(
        audit.session, audit, cipher, principal, filing_id, action=action, if_match=if_match
    )
    return _tagged(response, filing)


@router.post("/{filing_id}/submit", response_model=FilingOut, summary="Submit a draft")
async def submit_filing(
    *,
    response: Response,
    filing_id: FilingId,
    principal: Firm,
    audit: AuditDep,
    cipher: CipherDep,
    if_match: IfMatch = None,
) -> FilingOut:
    return await _act(
        response=response,
        action=FilingAction.SUBMIT,
        filing_id=filing_id,
        principal=principal,
        audit=audit,
        cipher=cipher,
        if_match=if_match,
    )


@router.post("/{filing_id}/withdraw", response_model=FilingOut, summary="Withdraw a filing")
async def withdraw_filing(
    *,
    response: Response,
    filing_id: FilingId,
    principal: Firm,
    audit: AuditDep,
    cipher: CipherDep,
    if_match: IfMatch = None,
) -> FilingOut:
    return await _act(
        response=response,
        action=FilingAction.WITHDRAW,
        filing_id=filing_id,
        principal=principal,
        audit=audit,
        cipher=cipher,
        if_match=if_match,
    )


@router.post("/{filing_id}/review", response_model=FilingOut, summary="Start the review")
async def start_review(
    *,
    response: Response,
    filing_id: FilingId,
    principal: Officer,
    audit: AuditDep,
    cipher: CipherDep,
    if_match: IfMatch = None,
) -> FilingOut:
    return await _act(
        response=response,
        action=FilingAction.START_REVIEW,
        filing_id=filing_id,
        principal=principal,
        audit=audit,
        cipher=cipher,
        if_match=if_match,
    )


@router.post(
    "/{filing_id}/supplement-requests",
    response_model=FilingOut,
    summary="Ask the firm for a supplement (補正)",
)
async def request_supplement(
    *,
    response: Response,
    filing_id: FilingId,
    body: MessageIn,
    principal: Officer,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
) -> FilingOut:
    filing = await service.request_supplement(
        session, audit, cipher, principal, filing_id, body=body
    )
    return _tagged(response, filing)


@router.post(
    "/{filing_id}/supplement-answers", response_model=FilingOut, summary="Answer a supplement"
)
async def answer_supplement(
    *,
    response: Response,
    filing_id: FilingId,
    body: MessageIn,
    principal: Firm,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
) -> FilingOut:
    filing = await service.answer_supplement(
        session, audit, cipher, principal, filing_id, body=body
    )
    return _tagged(response, filing)


@router.post(
    "/{filing_id}/decision",
    response_model=FilingOut,
    summary="Approve items with quantities or reject them with reasons",
)
async def decide_filing(
    *,
    response: Response,
    filing_id: FilingId,
    body: DecisionIn,
    principal: Officer,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
) -> FilingOut:
    filing = await service.decide(session, audit, cipher, principal, filing_id, body=body)
    return _tagged(response, filing)
