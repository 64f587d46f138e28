"""Response models of the audit query API (the MACs stay inside the service)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditEventOut(BaseModel):
    id: int
    occurred_at: datetime
    actor: str
    actor_role: str
    action: str
    record_type: str
    record_id: str
    outcome: str
    client_ip: str | None
    request_id: str | None
    details: dict[str, Any]
