"""Tables of the inspection schema (SQLAlchemy Core; the migrations are written by hand).

Registry: commodity safety marks, certificates (registration, type approval, inspection,
metrology type approval) and CNS mark certificates, each with an append-only status event
ledger; the current validity dates are copied onto the record for search and reminders.
Applications: inspection applications (報驗), their attachments' metadata and workflow events.
Also the regulated-products list and the metrology instrument registry with verifications.
Personal data (a natural person's name and phone) is stored encrypted (``common.pii``).
"""

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    Sequence,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from common.database import service_metadata
from common.platform_tables import PlatformTables

metadata = service_metadata("inspection")
platform_tables = PlatformTables.define(metadata)


def _created() -> Column[Any]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def _updated() -> Column[Any]:
    return Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def _event_columns(parent: str) -> list[Column[Any]]:
    return [
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("subject_id", BigInteger, ForeignKey(parent, ondelete="CASCADE"), nullable=False),
        Column("action", Text, nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("actor", Text, nullable=False),
        Column("reason", Text, nullable=False, server_default=""),
        Column("valid_from", Date),
        Column("valid_until", Date),
    ]


certificate_serial = Sequence("certificate_serial", metadata=metadata)

safety_mark = Table(
    "safety_mark",
    metadata,
    Column("mark_id", Text, primary_key=True),
    Column("series", Text, nullable=False),
    Column("holder_business_id", Text, nullable=False, index=True),
    Column("holder_name", Text, nullable=False),
    _created(),
)

certificate = Table(
    "certificate",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("number", Text, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("holder_business_id", Text, nullable=False, index=True),
    Column("holder_name", Text, nullable=False),
    Column("contact_name", LargeBinary),  # encrypted: a natural person
    Column("contact_phone", LargeBinary),  # encrypted
    Column("product_name", Text, nullable=False),
    Column("models", ARRAY(Text), nullable=False),
    Column("standards", ARRAY(Text), nullable=False),
    Column("mark_id", Text, ForeignKey("inspection.safety_mark.mark_id"), index=True),
    Column("application_id", BigInteger),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("renewal_reminded_for", Date),  # the valid_until a renewal reminder was sent for
    Column("version", Integer, nullable=False, server_default="1"),
    _created(),
    _updated(),
)

certificate_event = Table(
    "certificate_event", metadata, *_event_columns("inspection.certificate.id")
)

cns_mark = Table(
    "cns_mark",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("number", Text, nullable=False, unique=True),
    Column("cns_standard", Text, nullable=False, index=True),
    Column("product_name", Text, nullable=False),
    Column("firm_business_id", Text, nullable=False, index=True),
    Column("firm_name", Text, nullable=False),
    Column("factory_name", Text, nullable=False),
    Column("factory_address", Text, nullable=False),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("version", Integer, nullable=False, server_default="1"),
    _created(),
    _updated(),
)

cns_mark_event = Table("cns_mark_event", metadata, *_event_columns("inspection.cns_mark.id"))

inspection_application = Table(
    "inspection_application",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("business_id", Text, nullable=False),
    Column("applicant_name", Text, nullable=False),
    Column("scheme", Text, nullable=False),
    Column("stage", Text, nullable=False),
    Column("ccc_code", Text, nullable=False),
    Column("product_name", Text, nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("unit", Text, nullable=False),
    Column("port", Text),
    Column("rpc_modules", Text),
    Column("type_approval_number", Text),
    Column("certificate_number", Text),
    Column("mark_id", Text),
    Column("failure_notice_number", Text),
    Column("failure_served_at", DateTime(timezone=True)),
    Column("failure_reason", Text),
    Column("reinspections_used", Integer, nullable=False, server_default="0"),
    Column("return_reason", Text),
    Column("version", Integer, nullable=False, server_default="1"),
    _created(),
    _updated(),
)

application_document = Table(
    "application_document",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column(
        "application_id",
        BigInteger,
        ForeignKey("inspection.inspection_application.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", Text, nullable=False),
    Column("filename", Text, nullable=False),
    Column("media_type", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("sha256", Text, nullable=False),
    _created(),
)

application_event = Table(
    "application_event",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column(
        "application_id",
        BigInteger,
        ForeignKey("inspection.inspection_application.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("action", Text, nullable=False),
    Column("from_stage", Text, nullable=False),
    Column("to_stage", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("details", JSONB, nullable=False),
)

regulated_product = Table(
    "regulated_product",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("ccc_prefix", Text, nullable=False, index=True),
    Column("product_name", Text, nullable=False),
    Column("schemes", ARRAY(Text), nullable=False),
    Column("standards", ARRAY(Text), nullable=False),
    Column("timing", Text, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_until", Date),
    Column("updated_by", Text, nullable=False),
    _created(),
)

instrument = Table(
    "instrument",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("kind", Text, nullable=False),
    Column("maker", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("serial", Text, nullable=False, unique=True),
    Column("owner_business_id", Text, index=True),
    Column("owner_firm_name", Text),  # a firm's name is public
    Column("owner_person_name", LargeBinary),  # encrypted: a natural person
    Column("owner_phone", LargeBinary),  # encrypted
    Column("location", LargeBinary, nullable=False),  # encrypted: a meter at a home
    _created(),
)

verification = Table(
    "verification",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column(
        "instrument_id",
        BigInteger,
        ForeignKey("inspection.instrument.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", Text, nullable=False),  # initial | reverification
    Column("status", Text, nullable=False),  # applied | passed | failed
    Column("applied_by", Text, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("verified_on", Date),
    Column("valid_until", Date),
    Column("sticker_number", Text),
    Column("note", Text, nullable=False, server_default=""),
)
