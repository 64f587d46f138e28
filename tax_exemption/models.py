"""Tables of the tax_exemption schema (Core tables mirroring the hand-written migrations).

Filings (duty-exemption applications and export raw-material refund standards) with their
items and supplement exchanges; the certificates they yield, whose items carry the balance that
customs declarations draw down through the ledger; declaration batches and their versioned
lines with the matching decision; mandates of agents; notification channels and deliveries.
Columns named ``*_enc`` hold personal data encrypted with ``common.pii`` (see the manifest).
"""

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from common.database import service_metadata
from common.platform_tables import PlatformTables

metadata = service_metadata("tax_exemption")
platform_tables = PlatformTables.define(metadata)

QUANTITY = Numeric(18, 3)
MONEY = Numeric(18, 2)


def _created_at() -> Column[Any]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def _agency() -> Column[Any]:
    # The case's agency; IDA (產業發展署) for rows written without one (migration 0003).
    return Column("agency", Text, nullable=False, server_default=text("'IDA'"))


mandate = Table(
    "mandate",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("client_business_id", Text, nullable=False),
    Column("agent_business_id", Text, nullable=False),
    Column("granted_by", Text, nullable=False),
    Column("valid_until", Date),
    Column("revoked_at", DateTime(timezone=True)),
    _created_at(),
    Index(
        "uq_mandate_live",
        "client_business_id",
        "agent_business_id",
        unique=True,
        postgresql_where=text("revoked_at IS NULL"),
    ),
)

filing = Table(
    "filing",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("business_id", Text, nullable=False),
    Column("agent_business_id", Text),
    Column("agency", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Column("channel", Text, nullable=False),
    Column("electronic", Boolean, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("contact_name_enc", LargeBinary),
    Column("contact_phone_enc", LargeBinary),
    Column("contact_email_enc", LargeBinary),
    Column("attachments", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("refund_products", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("decision_reason", Text),
    Column("created_by", Text, nullable=False),
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("submitted_at", DateTime(timezone=True)),
    Column("decided_at", DateTime(timezone=True)),
    Index("ix_filing_business", "business_id", "id"),
    Index("ix_filing_agency_status", "agency", "status", "id"),
)

filing_item = Table(
    "filing_item",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("filing_id", BigInteger, ForeignKey("tax_exemption.filing.id"), nullable=False),
    Column("item_no", SmallInteger, nullable=False),
    Column("ccc_code", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("spec", Text, nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("unit", Text, nullable=False),
    Column("unit_value", MONEY, nullable=False),
    Column("currency", Text, nullable=False),
    Column("origin_country", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("decision", Text),
    Column("approved_quantity", QUANTITY),
    Column("rejection_reason", Text),
    Index("uq_filing_item_no", "filing_id", "item_no", unique=True),
)

supplement = Table(
    "supplement",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("filing_id", BigInteger, ForeignKey("tax_exemption.filing.id"), nullable=False),
    Column("request", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("answer", Text),
    Column("answered_by", Text),
    Column("answered_at", DateTime(timezone=True)),
    Index("ix_supplement_filing", "filing_id", "id"),
)

certificate = Table(
    "certificate",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("certificate_no", Text, nullable=False, unique=True),
    Column("filing_id", BigInteger, ForeignKey("tax_exemption.filing.id"), nullable=False),
    Column("business_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("ten_digit_rule", Boolean, nullable=False, server_default=text("false")),
    Column("status", Text, nullable=False),
    Column("revision", Integer, nullable=False, server_default=text("1")),
    Column("status_reason", Text),
    Column("issued_by", Text, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("uq_certificate_filing", "filing_id", unique=True),
    Index("ix_certificate_business", "business_id"),
)

certificate_item = Table(
    "certificate_item",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column(
        "certificate_id", BigInteger, ForeignKey("tax_exemption.certificate.id"), nullable=False
    ),
    Column("item_no", SmallInteger, nullable=False),
    Column("ccc_code", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("spec", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("approved_quantity", QUANTITY, nullable=False),
    Column("balance", QUANTITY, nullable=False),
    CheckConstraint("balance >= 0", name="balance_not_negative"),
    Index("uq_certificate_item_no", "certificate_id", "item_no", unique=True),
)

declaration_batch = Table(
    "declaration_batch",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("source", Text, nullable=False),
    Column("filename", Text),
    Column("submitted_by", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("line_count", Integer, nullable=False),
    Column("counts", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    _created_at(),
    Column("matched_at", DateTime(timezone=True)),
    _agency(),
)

declaration_line = Table(
    "declaration_line",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column(
        "batch_id", BigInteger, ForeignKey("tax_exemption.declaration_batch.id"), nullable=False
    ),
    Column("declaration_no", Text, nullable=False),
    Column("item_no", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("kind", Text, nullable=False),
    Column("content_hash", LargeBinary(32), nullable=False),
    Column("importer_ban", Text, nullable=False),
    Column("ccc_code", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("goods_model", Text, nullable=False),
    Column("goods_spec", Text, nullable=False),
    Column("quantity", QUANTITY, nullable=False),
    Column("doc_unit", Text, nullable=False),
    Column("stat_quantity", QUANTITY),
    Column("stat_unit", Text),
    Column("origin_country", Text, nullable=False),
    Column("cited_certificate_no", Text),
    Column("cited_item_no", Integer),
    Column("declaration_date", Date, nullable=False),
    Column("outcome", Text),
    Column("refusal_reason", Text),
    Column("matched_item_id", BigInteger, ForeignKey("tax_exemption.certificate_item.id")),
    Column("matched_quantity", QUANTITY),
    Column("explanation", JSONB),
    Column("candidates", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("review_status", Text),
    Column("reviewed_by", Text),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("matched_at", DateTime(timezone=True)),
    Column("superseded_at", DateTime(timezone=True)),
    _agency(),
    Index(
        "uq_declaration_line_current",
        "declaration_no",
        "item_no",
        unique=True,
        postgresql_where=text("is_current"),
    ),
    Index("ix_declaration_line_batch", "batch_id", "id"),
    Index(
        "ix_declaration_line_review",
        "agency",
        "id",
        postgresql_where=text("review_status = 'pending'"),
    ),
)

ledger_entry = Table(
    "ledger_entry",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column(
        "certificate_item_id",
        BigInteger,
        ForeignKey("tax_exemption.certificate_item.id"),
        nullable=False,
    ),
    Column("declaration_line_id", BigInteger, ForeignKey("tax_exemption.declaration_line.id")),
    # Positive for a drawdown, negative for its reversal: sum = approved - balance.
    Column("quantity", QUANTITY, nullable=False),
    Column("kind", Text, nullable=False),
    _created_at(),
    Index("ix_ledger_entry_item", "certificate_item_id"),
    Index("ix_ledger_entry_line", "declaration_line_id"),
)

notification_preference = Table(
    "notification_preference",
    metadata,
    Column("business_id", Text, primary_key=True),
    Column("channels", ARRAY(Text), nullable=False),
    Column("email_enc", LargeBinary),
    Column("line_user_id_enc", LargeBinary),
    Column("webhook_url", Text),
    Column("webhook_secret_enc", LargeBinary),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

notification = Table(
    "notification",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("business_id", Text, nullable=False),
    Column("filing_id", BigInteger),
    Column("event", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("outbox_message_id", BigInteger, nullable=False),
    Column("status", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    _created_at(),
    Index("ix_notification_business", "business_id", "id"),
    Index("uq_notification_message", "outbox_message_id", unique=True),
)
