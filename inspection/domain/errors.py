"""Why the domain refuses a workflow step: one exception, with a machine-readable code.

The service layer maps InvalidTransition to a problem response: 403 for ROLE_NOT_ALLOWED, 409
for the rest (the application's state forbids the step), with ``reason`` as the detail.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["InvalidTransition", "Refusal"]


class Refusal(StrEnum):
    """The code of a refused step."""

    ROLE_NOT_ALLOWED = "role_not_allowed"
    NOT_ALLOWED_IN_STAGE = "not_allowed_in_stage"
    MISSING_DOCUMENTS = "missing_documents"
    RPC_MODULES_REQUIRED = "rpc_modules_required"
    RPC_MODULES_NOT_APPLICABLE = "rpc_modules_not_applicable"
    TYPE_APPROVAL_REQUIRED = "type_approval_required"
    TYPE_APPROVAL_NOT_VALID = "type_approval_not_valid"
    INVALID_CERTIFICATE_NUMBER = "invalid_certificate_number"
    MARK_REQUIRED = "mark_required"
    WRONG_MARK_SERIES = "wrong_mark_series"
    INVALID_NOTICE = "invalid_notice"
    REASON_REQUIRED = "reason_required"
    REINSPECTION_NOT_OFFERED = "reinspection_not_offered"
    REINSPECTION_ALREADY_USED = "reinspection_already_used"
    REINSPECTION_DEADLINE_PASSED = "reinspection_deadline_passed"
    CERTIFICATE_ACTION_NOT_ALLOWED = "certificate_action_not_allowed"


class InvalidTransition(Exception):
    """A workflow or certificate step that the rules refuse; nothing changed."""

    def __init__(self, code: Refusal, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
