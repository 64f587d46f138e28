"""The audit trail's scope in inspection: every record is this deployment's agency's (BSMI).

Applications, safety marks, certificates, CNS marks, regulated-product entries and instruments
all belong to ``INSPECTION_AGENCY``: its officers read their trails, an officer of another agency
finds none of them (404), and a record type this service does not audit has no trail either.
"""

from __future__ import annotations

from common.audit.scope import AgencyRecords
from inspection.applications.service import RECORD as APPLICATION
from inspection.certificates.service import TABLE as CERTIFICATE
from inspection.ledger.tables import CNS_MARKS
from inspection.metrology.service import TABLE as INSTRUMENT
from inspection.models import platform_tables
from inspection.regulated_products.service import RECORD as REGULATED_PRODUCT
from inspection.settings import InspectionSettings

__all__ = ["RECORD_TYPES", "trail_owner"]

RECORD_TYPES = frozenset(
    {APPLICATION, "safety_mark", CERTIFICATE, CNS_MARKS.record_type, REGULATED_PRODUCT, INSTRUMENT}
)


def trail_owner(settings: InspectionSettings) -> AgencyRecords:
    return AgencyRecords(settings.agency, RECORD_TYPES, platform_tables.audit_event)
