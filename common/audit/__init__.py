"""The audit trail: events written in the caller's transaction, MAC'd per row, chained by a
sealer off the request path, verified by walking the chain, and streamed as JSON for the SOC.
"""

from common.audit.dependencies import AuditDep, RequestAudit
from common.audit.event import AuditEvent, Outcome
from common.audit.sealer import SealReport, seal_pending
from common.audit.trail import AuditTrail
from common.audit.verifier import BreakReason, BrokenRow, VerificationResult, verify_chain

__all__ = [
    "AuditDep",
    "AuditEvent",
    "AuditTrail",
    "BreakReason",
    "BrokenRow",
    "Outcome",
    "RequestAudit",
    "SealReport",
    "VerificationResult",
    "seal_pending",
    "verify_chain",
]
