"""One audit event: who did what to which record, when, from where, with what outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson

# Column widths of ``audit_event``: longer values are clipped rather than failing the change
# the event describes (an over-long token subject must not turn a filing into a 500).
_WIDTHS = {
    "actor": 200,
    "actor_role": 20,
    "action": 100,
    "record_type": 100,
    "record_id": 200,
    "client_ip": 64,
    "request_id": 64,
}


class Outcome(StrEnum):
    SUCCESS = "success"
    DENIED = "denied"
    FAILURE = "failure"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    actor: str
    actor_role: str
    action: str  # dotted verb, e.g. "filing.submit", "person.read"
    record_type: str
    record_id: str
    outcome: Outcome = Outcome.SUCCESS
    client_ip: str | None = None
    request_id: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def content(self) -> dict[str, Any]:
        """The column values to store: clipped, NUL-free, UTC, details as stored JSON."""
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")
        text = {name: _clean(getattr(self, name), width) for name, width in _WIDTHS.items()}
        return {
            **text,
            "outcome": str(self.outcome),
            "occurred_at": self.occurred_at.astimezone(UTC),
            "details": json_roundtrip(self.details),
        }


def json_roundtrip(value: Mapping[str, Any]) -> dict[str, Any]:
    """What JSONB will give back: MACs are computed over this, so writer and verifier agree."""
    result: dict[str, Any] = orjson.loads(orjson.dumps(dict(value)))
    return result


def _clean(value: str | None, width: int) -> str | None:
    if value is None:
        return None
    # PostgreSQL text refuses NUL; the audit line must still land.
    return value.replace("\x00", "\ufffd")[:width]


@dataclass(frozen=True, slots=True)
class AuditSource:
    """Who acts, and from where: what every event of one request shares."""

    actor: str
    actor_role: str
    client_ip: str | None = None
    request_id: str | None = None

    def event(
        self,
        action: str,
        record_type: str,
        record_id: str,
        *,
        outcome: Outcome = Outcome.SUCCESS,
        details: Mapping[str, Any] | None = None,
    ) -> AuditEvent:
        return AuditEvent(
            actor=self.actor,
            actor_role=self.actor_role,
            action=action,
            record_type=record_type,
            record_id=record_id,
            outcome=outcome,
            client_ip=self.client_ip,
            request_id=self.request_id,
            details=details or {},
        )
