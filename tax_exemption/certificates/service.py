"""Use cases of certificates: issue from an approved filing, read, amend, cancel, void."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.auth import Principal, Role
from common.errors import Conflict, NotFound, UnprocessableContent
from common.jobs import enqueue
from tax_exemption.certificates import repository
from tax_exemption.certificates.numbering import certificate_number
from tax_exemption.certificates.schemas import (
    AmendIn,
    CertificateItemOut,
    CertificateOut,
    IssueIn,
    ReasonIn,
)
from tax_exemption.domain.workflow import (
    CertificateAction,
    CertificateStatus,
    FilingAction,
    next_certificate_status,
)
from tax_exemption.filings import repository as filings
from tax_exemption.filings.access import locked_by, visible_filing
from tax_exemption.filings.transitions import CASE_PROGRESS_TOPIC, allowed, step
from tax_exemption.models import platform_tables

_ITEM_COLUMNS = ("item_no", "ccc_code", "description", "model", "spec", "unit")


async def issue(
    session: AsyncSession,
    audit: RequestAudit,
    principal: Principal,
    filing_id: int,
    *,
    body: IssueIn,
    prefix: str,
) -> CertificateOut:
    """Issue the certificate of an approved filing; its approved items open with full balance."""
    filing = await locked_by(session, principal, filing_id, Role.OFFICER)
    allowed(filing, FilingAction.ISSUE)
    number = certificate_number(prefix, date.today(), filing_id)
    row = await repository.insert_certificate(
        session, _certificate_values(filing, body, number, principal)
    )
    items = [
        item
        for item in await filings.get_items(session, filing_id)
        if item["decision"] == "approved"
    ]
    await repository.insert_items(session, row["id"], [_item_values(item) for item in items])
    await audit.record(
        "certificate.issue",
        "certificate",
        number,
        details={"filing_id": filing_id, "items": len(items)},
    )
    await step(audit, filing, FilingAction.ISSUE, details={"certificate_no": number})
    return await _view(session, row)


def _certificate_values(
    filing: RowMapping, body: IssueIn, number: str, principal: Principal
) -> dict[str, Any]:
    return {
        "certificate_no": number,
        "filing_id": filing["id"],
        "business_id": filing["business_id"],
        "kind": filing["kind"],
        "valid_from": body.valid_from,
        "valid_until": body.valid_until,
        "ten_digit_rule": body.ten_digit_rule,
        "status": CertificateStatus.ACTIVE,
        "issued_by": principal.subject,
    }


def _item_values(item: RowMapping) -> dict[str, Any]:
    quantity = item["approved_quantity"]
    return {
        **{name: item[name] for name in _ITEM_COLUMNS},
        "approved_quantity": quantity,
        "balance": quantity,
    }


async def read(session: AsyncSession, principal: Principal, number: str) -> CertificateOut:
    return await _view(session, await _visible(session, principal, number))


async def _visible(
    session: AsyncSession, principal: Principal, number: str, *, lock: bool = False
) -> RowMapping:
    row = await repository.get_by_number(session, number, lock=lock)
    if row is None:
        raise NotFound()
    await visible_filing(session, principal, row["filing_id"])  # the filing's rules apply
    return row


async def _view(session: AsyncSession, row: RowMapping) -> CertificateOut:
    items = [
        CertificateItemOut.model_validate(
            {name: item[name] for name in CertificateItemOut.model_fields}
        )
        for item in await repository.get_items(session, row["id"])
    ]
    fields = {name: row[name] for name in CertificateOut.model_fields if name != "items"}
    return CertificateOut(**fields, items=items)


async def amend(
    session: AsyncSession, audit: RequestAudit, principal: Principal, number: str, *, body: AmendIn
) -> CertificateOut:
    row = await _officer_locked(session, principal, number)
    target = _allowed(row, CertificateAction.AMEND)
    values: dict[str, Any] = {"status": target, "status_reason": body.reason}
    if body.valid_until is not None:
        if body.valid_until < row["valid_from"]:
            raise UnprocessableContent("valid_until precedes valid_from")
        values["valid_until"] = body.valid_until
    for change in body.items:
        if not await repository.set_approved_quantity(
            session, row["id"], change.item_no, change.approved_quantity
        ):
            raise Conflict(f"item {change.item_no}: no such item, or more already drawn")
    changes = {
        "valid_until": str(body.valid_until) if body.valid_until else None,
        "items": len(body.items),
    }
    return await _record(audit, row, CertificateAction.AMEND, values, changes)


async def end(
    session: AsyncSession,
    audit: RequestAudit,
    principal: Principal,
    number: str,
    *,
    action: CertificateAction,
    body: ReasonIn,
) -> CertificateOut:
    """Cancel (註銷, from now on) or void (撤銷, as if never issued)."""
    row = await _officer_locked(session, principal, number)
    target = _allowed(row, action)
    return await _record(audit, row, action, {"status": target, "status_reason": body.reason}, {})


async def _officer_locked(session: AsyncSession, principal: Principal, number: str) -> RowMapping:
    if principal.role is not Role.OFFICER:
        raise NotFound()
    return await _visible(session, principal, number, lock=True)


def _allowed(row: RowMapping, action: CertificateAction) -> CertificateStatus:
    status = CertificateStatus(row["status"])
    target = next_certificate_status(status, action)
    if target is None:
        raise Conflict(f"cannot {action} a certificate that is {status}")
    return target


async def _record(
    audit: RequestAudit,
    row: RowMapping,
    action: CertificateAction,
    values: dict[str, Any],
    details: dict[str, Any],
) -> CertificateOut:
    session = audit.session
    updated = await repository.update_certificate(session, row["id"], values)
    number = row["certificate_no"]
    facts = {"from": row["status"], "to": str(values["status"]), **details}
    await audit.record(f"certificate.{action}", "certificate", number, details=facts)
    payload = {
        "filing_id": row["filing_id"],
        "business_id": row["business_id"],
        "kind": row["kind"],
        "status": str(values["status"]),
        "event": f"certificate_{action}",
        "certificate_no": number,
    }
    await enqueue(session, platform_tables, CASE_PROGRESS_TOPIC, payload)
    return await _view(session, updated)
