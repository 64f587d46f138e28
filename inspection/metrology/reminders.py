"""Renewal reminders for type-approval certificates, 6 months before they expire.

The worker runs ``RENEWAL_REMINDERS`` daily (the manifest's ``scheduled``). One
transaction per run: each due certificate gets one outbox message and its
``renewal_reminded_for`` set to the expiry it was reminded of, so a rerun sends nothing twice and
a reissued certificate (new expiry) is reminded again in its own time. Suspended, revoked and
already expired certificates are skipped.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from common.jobs import enqueue
from common.jobs.queue import JobQueue
from common.jobs.runtime import ServiceRuntime
from common.jobs.schedule import ScheduledJob
from common.platform_tables import PlatformTables
from inspection.domain.calendar_shift import shift_months
from inspection.domain.identifiers import CertificateKind
from inspection.domain.metrology_validity import RENEWAL_REMINDER_MONTHS, renewal_reminder_due
from inspection.domain.status import CertificateStatus, status_at
from inspection.domain.taipei_time import taipei_date
from inspection.ledger.repository import parse_events
from inspection.metrology import repository

TOPIC = "inspection.certificate.renewal_due"
KINDS = (CertificateKind.TYPE_APPROVAL.value, CertificateKind.METROLOGY_TYPE_APPROVAL.value)


async def send_due_reminders(session: AsyncSession, tables: PlatformTables, now: datetime) -> int:
    """Queue a reminder for every certificate now due; returns how many. Does not commit."""
    horizon = shift_months(taipei_date(now), RENEWAL_REMINDER_MONTHS) + timedelta(days=1)
    sent = 0
    for row in await repository.reminder_candidates(session, KINDS, horizon):
        state = status_at(parse_events(row["events"]), now)
        expiry = row["valid_until"]
        if state.status is not CertificateStatus.VALID or not renewal_reminder_due(expiry, now):
            continue
        payload = {
            "certificate_number": row["number"],
            "business_id": row["holder_business_id"],
            "valid_until": expiry.isoformat(),
        }
        await enqueue(session, tables, TOPIC, payload)
        await repository.mark_reminded(session, row["id"], expiry)
        sent += 1
    return sent


async def run_renewal_reminders(runtime: ServiceRuntime, _: JobQueue) -> int:
    """One scheduled run of the reminders, in one transaction."""
    async with runtime.sessions() as session, session.begin():
        return await send_due_reminders(session, runtime.tables, datetime.now(UTC))


RENEWAL_REMINDERS = ScheduledJob("renewal_reminders", run_renewal_reminders, timedelta(days=1))
