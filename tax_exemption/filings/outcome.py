"""What a workflow step wrote besides the status, for the transition to record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from tax_exemption.domain.workflow import FilingAction

__all__ = ["Effect", "Outcome"]

B = TypeVar("B")


@dataclass(frozen=True, kw_only=True)
class Outcome:
    action: FilingAction | None = None  # the action taken, when the body chose it (approve/reject)
    values: Mapping[str, Any] = field(default_factory=dict)  # filing columns set with the status
    details: Mapping[str, Any] = field(default_factory=dict)  # facts for the audit event


Effect = Callable[[AsyncSession, Principal, RowMapping, B], Awaitable[Outcome]]
"""A step's own writes on the locked filing ``row``, once the transition is known allowed."""
