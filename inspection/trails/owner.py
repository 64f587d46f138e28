"""The audit trail's scope in inspection: every record is this deployment's agency's (BSMI).

Applications, safety marks, certificates, CNS marks, regulated-product entries and instruments
all belong to ``INSPECTION_AGENCY``: its officers read their trails, an officer of another agency
finds none of them (404), and a record type this service does not audit has no trail either.
A record is there while its row is, keyed as the services name it in their events (an
application and a regulated-product entry by id, a certificate and a CNS mark by number, an
instrument by serial), so one loaded by a bulk import has an empty trail; or once audited.
"""

from __future__ import annotations

from common.audit.record_row import RecordRow
from common.audit.scope import AgencyRecords
from inspection.applications.service import RECORD as APPLICATION
from inspection.certificates.service import TABLE as CERTIFICATE
from inspection.ledger.tables import CNS_MARKS
from inspection.metrology.service import TABLE as INSTRUMENT
from inspection.models import (
    certificate,
    cns_mark,
    inspection_application,
    instrument,
    platform_tables,
    regulated_product,
    safety_mark,
)
from inspection.regulated_products.service import RECORD as REGULATED_PRODUCT
from inspection.settings import InspectionSettings

__all__ = ["RECORD_TYPES", "ROWS", "trail_owner"]

RECORD_TYPES = frozenset(
    {APPLICATION, "safety_mark", CERTIFICATE, CNS_MARKS.record_type, REGULATED_PRODUCT, INSTRUMENT}
)
ROWS = {
    APPLICATION: RecordRow(inspection_application.c.id),
    "safety_mark": RecordRow(safety_mark.c.mark_id),
    CERTIFICATE: RecordRow(certificate.c.number),
    CNS_MARKS.record_type: RecordRow(cns_mark.c.number),
    REGULATED_PRODUCT: RecordRow(regulated_product.c.id),
    INSTRUMENT: RecordRow(instrument.c.serial),
}


def trail_owner(settings: InspectionSettings) -> AgencyRecords:
    return AgencyRecords(settings.agency, RECORD_TYPES, platform_tables.audit_event, ROWS)
