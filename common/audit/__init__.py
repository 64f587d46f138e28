"""The audit trail: events written in the caller's transaction, MAC'd per row, chained by a
sealer off the request path, verified by walking the chain, and streamed as JSON for the SOC.
"""

from common.audit.dependencies import (
    AuditDep,
    RequestAudit,
    app_audit_trail,
    request_audit_source,
)
from common.audit.event import AuditEvent, AuditSource, Outcome
from common.audit.sealer import SealReport, seal_pending
from common.audit.trail import AuditTrail, audit_follower
from common.audit.verifier import BreakReason, BrokenRow, VerificationResult, verify_chain

__all__ = [
    "AuditDep",
    "AuditEvent",
    "AuditSource",
    "AuditTrail",
    "BreakReason",
    "BrokenRow",
    "Outcome",
    "RequestAudit",
    "SealReport",
    "VerificationResult",
    "app_audit_trail",
    "audit_follower",
    "request_audit_source",
    "seal_pending",
    "verify_chain",
]
