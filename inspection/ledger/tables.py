"""Which tables one ledger uses: the record (with ``number``) and its events."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table

from inspection.models import certificate, certificate_event, cns_mark, cns_mark_event


@dataclass(frozen=True, slots=True)
class Ledger:
    record: Table
    events: Table
    record_type: str  # the audit trail's record type


CERTIFICATES = Ledger(certificate, certificate_event, "certificate")
CNS_MARKS = Ledger(cns_mark, cns_mark_event, "cns_mark")
