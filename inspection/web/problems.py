"""Domain refusals as problem responses: 403 for the wrong actor, 422 for bad input, else 409."""

from __future__ import annotations

from common.errors import Conflict, Forbidden, ProblemError, UnprocessableContent
from inspection.domain.errors import InvalidTransition, Refusal

_INPUT_REFUSALS = frozenset(
    {
        Refusal.INVALID_CERTIFICATE_NUMBER,
        Refusal.MARK_REQUIRED,
        Refusal.WRONG_MARK_SERIES,
        Refusal.INVALID_NOTICE,
        Refusal.REASON_REQUIRED,
        Refusal.RPC_MODULES_NOT_APPLICABLE,
    }
)


def refusal_problem(error: InvalidTransition) -> ProblemError:
    """The problem to raise for a refused step (``detail`` starts with the refusal code)."""
    detail = f"{error.code.value}: {error.reason}"
    if error.code is Refusal.ROLE_NOT_ALLOWED:
        return Forbidden(detail)
    if error.code in _INPUT_REFUSALS:
        return UnprocessableContent(detail)
    return Conflict(detail)
