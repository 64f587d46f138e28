"""One workflow step of a filing: status change, audit event and case-progress notice together.

All three land in the caller's transaction, so a step is either fully recorded and notified or
did not happen at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import RowMapping, func

from common.audit import RequestAudit
from common.errors import Conflict
from common.jobs import enqueue
from tax_exemption.domain.workflow import FilingAction, FilingStatus, next_status
from tax_exemption.filings import repository
from tax_exemption.models import platform_tables

CASE_PROGRESS_TOPIC = "case.progress"


def allowed(row: RowMapping, action: FilingAction) -> FilingStatus:
    """The status ``action`` leads to, or 409 naming the current status."""
    status = FilingStatus(row["status"])
    target = next_status(status, action)
    if target is None:
        raise Conflict(f"cannot {action} a filing that is {status}")
    return target


async def step(
    audit: RequestAudit,
    row: RowMapping,
    action: FilingAction,
    *,
    values: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> RowMapping:
    """Move the (locked) filing ``row`` by ``action``; audit it and queue the notice."""
    target = allowed(row, action)
    changes = {**(values or {}), "status": target}
    if target is FilingStatus.SUBMITTED:
        changes["submitted_at"] = func.now()
    if target in (FilingStatus.APPROVED, FilingStatus.REJECTED):
        changes["decided_at"] = func.now()
    updated = await repository.update_filing(audit.session, row["id"], changes)
    facts = {"from": row["status"], "to": str(target), **(details or {})}
    await audit.record(f"filing.{action}", "filing", str(row["id"]), details=facts)
    await notify(audit, updated, str(action), facts)
    return updated


async def notify(
    audit: RequestAudit, row: RowMapping, event: str, facts: Mapping[str, Any]
) -> None:
    payload = {
        "filing_id": row["id"],
        "business_id": row["business_id"],
        "kind": row["kind"],
        "status": row["status"],
        "event": event,
        **{k: v for k, v in facts.items() if k == "certificate_no"},
    }
    await enqueue(audit.session, platform_tables, CASE_PROGRESS_TOPIC, payload)
