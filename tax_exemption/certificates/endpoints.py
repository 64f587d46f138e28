"""Routes of certificates: issue (on a filing), read, amend, cancel, void."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from common.audit import AuditDep
from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from common.fields import PositiveInt64
from tax_exemption.certificates import service
from tax_exemption.certificates.schemas import AmendIn, CertificateOut, IssueIn, ReasonIn
from tax_exemption.domain.workflow import CertificateAction

router = ServiceRouter(tags=["certificates"])
Caller = Annotated[Principal, Depends(require_roles(Role.FIRM, Role.OFFICER))]
Officer = Annotated[Principal, Depends(require_roles(Role.OFFICER))]
Number = Annotated[str, Path(pattern=r"^[A-Z]{1,6}[0-9]{10}$", description="證明號碼")]


@router.post(
    "/filings/{filing_id}/certificate",
    response_model=CertificateOut,
    status_code=201,
    summary="Issue the certificate of an approved filing",
)
async def issue_certificate(
    *,
    request: Request,
    filing_id: Annotated[PositiveInt64, Path()],
    body: IssueIn,
    principal: Officer,
    session: SessionDep,
    audit: AuditDep,
) -> CertificateOut:
    prefix = request.app.state.settings.certificate_prefix
    return await service.issue(session, audit, principal, filing_id, body=body, prefix=prefix)


@router.get(
    "/certificates/{number}", response_model=CertificateOut, summary="A certificate and balances"
)
async def get_certificate(number: Number, principal: Caller, session: SessionDep) -> CertificateOut:
    return await service.read(session, principal, number)


@router.post("/certificates/{number}/amend", response_model=CertificateOut, summary="Amend (變更)")
async def amend_certificate(
    number: Number, body: AmendIn, principal: Officer, session: SessionDep, audit: AuditDep
) -> CertificateOut:
    return await service.amend(session, audit, principal, number, body=body)


@router.post(
    "/certificates/{number}/cancel", response_model=CertificateOut, summary="Cancel (註銷)"
)
async def cancel_certificate(
    number: Number, body: ReasonIn, principal: Officer, session: SessionDep, audit: AuditDep
) -> CertificateOut:
    action = CertificateAction.CANCEL
    return await service.end(session, audit, principal, number, action=action, body=body)


@router.post("/certificates/{number}/void", response_model=CertificateOut, summary="Void (撤銷)")
async def void_certificate(
    number: Number, body: ReasonIn, principal: Officer, session: SessionDep, audit: AuditDep
) -> CertificateOut:
    action = CertificateAction.VOID
    return await service.end(session, audit, principal, number, action=action, body=body)
