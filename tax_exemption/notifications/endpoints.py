"""Routes of notifications: the firm's channels and its delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from common.audit import AuditDep
from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from common.pii import CipherDep
from tax_exemption.mandates.service import own_business
from tax_exemption.notifications import service
from tax_exemption.notifications.schemas import NotificationOut, PreferencesIn, PreferencesOut

router = ServiceRouter(prefix="/notifications", tags=["notifications"])
Firm = Annotated[Principal, Depends(require_roles(Role.FIRM))]


@router.put("/preferences", response_model=PreferencesOut, summary="Choose channels")
async def put_preferences(
    body: PreferencesIn, principal: Firm, session: SessionDep, audit: AuditDep, cipher: CipherDep
) -> PreferencesOut:
    business_id = own_business(principal)
    return await service.put_preferences(session, audit, cipher, business_id, body)


@router.get("/preferences", response_model=PreferencesOut, summary="The chosen channels")
async def get_preferences(
    principal: Firm, session: SessionDep, audit: AuditDep, cipher: CipherDep
) -> PreferencesOut:
    return await service.get_preferences(session, audit, cipher, own_business(principal))


@router.get("", response_model=list[NotificationOut], summary="Recent notices, delivery status")
async def list_notifications(principal: Firm, session: SessionDep) -> list[NotificationOut]:
    return await service.deliveries(session, own_business(principal))
