"""FastAPI side of the audit trail: ``AuditDep`` lets an endpoint write its event in one line.

    async def submit(..., audit: AuditDep) -> ...:
        await audit.record("filing.submit", "filing", str(filing.id))

Actor, role, client IP and request id come from the request; the event lands in the request's
session, so it commits with the endpoint's own writes (``CommittingRoute``). A route on the
driver path takes ``request_audit_source`` and ``app_audit_trail`` instead, and writes its
events on the driver (``AuditTrail.record_on``, or ``AuditTrail.row`` in its own statement).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit.event import AuditEvent, AuditSource, Outcome
from common.audit.trail import AuditTrail
from common.auth.middleware import principal_of
from common.auth.principal import Principal
from common.database import SessionDep
from common.observability.request_context import request_id_of


class RequestAudit:
    """The audit trail bound to one request: who, from where, in which transaction."""

    def __init__(
        self,
        trail: AuditTrail,
        session: AsyncSession,
        principal: Principal,
        *,
        client_ip: str | None,
        request_id: str | None,
    ) -> None:
        self.trail = trail
        self.session = session
        self.principal = principal
        self.client_ip = client_ip
        self.request_id = request_id

    @property
    def table(self) -> Table:
        return self.trail.table

    async def record(
        self,
        action: str,
        record_type: str,
        record_id: str,
        *,
        outcome: Outcome = Outcome.SUCCESS,
        details: Mapping[str, Any] | None = None,
    ) -> int:
        event = AuditEvent(
            actor=self.principal.audit_name,
            actor_role=str(self.principal.role),
            action=action,
            record_type=record_type,
            record_id=record_id,
            outcome=outcome,
            client_ip=self.client_ip,
            request_id=self.request_id,
            details=details or {},
        )
        return await self.trail.record(self.session, event)


def request_audit_source(request: Request) -> AuditSource:
    """Who is acting in this request and from where (read once the caller is known)."""
    principal = principal_of(request.scope)
    return AuditSource(
        actor=principal.audit_name,
        actor_role=str(principal.role),
        client_ip=request.client.host if request.client else None,
        request_id=request_id_of(request.scope),
    )


def app_audit_trail(request: Request) -> AuditTrail:
    """The app's one ``AuditTrail`` (made on first use from the app's settings and tables)."""
    state = request.app.state
    trail: AuditTrail | None = getattr(state, "audit_trail", None)
    if trail is None:
        trail = state.audit_trail = AuditTrail.from_settings(state.settings, state.tables)
    return trail


async def request_audit(request: Request, session: SessionDep) -> RequestAudit:
    return RequestAudit(
        app_audit_trail(request),
        session,
        principal_of(request.scope),
        client_ip=request.client.host if request.client else None,
        request_id=request_id_of(request.scope),
    )


AuditDep = Annotated[RequestAudit, Depends(request_audit)]
