"""Filings, certificates with their balance ledger, declarations, mandates, notifications.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

The balance of a certificate item can never go below zero (a CHECK backs the conditional
UPDATE that draws it down); one current version per (DECLNO, ITEMNO) is a partial unique index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "tax_exemption"
QUANTITY = sa.Numeric(18, 3)
NOW = sa.func.now()
EMPTY_JSON_ARRAY = sa.text("'[]'::jsonb")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger(), sa.Identity(always=False), primary_key=True)


def _ts(name: str, *, required: bool = False) -> sa.Column[object]:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=not required,
        server_default=NOW if required else None,
    )


def _fk(name: str, target: str, *, required: bool = True) -> sa.Column[int]:
    return sa.Column(
        name, sa.BigInteger(), sa.ForeignKey(f"{SCHEMA}.{target}.id"), nullable=not required
    )


def _filings() -> None:
    op.create_table(
        "mandate",
        _id(),
        sa.Column("client_business_id", sa.Text(), nullable=False),
        sa.Column("agent_business_id", sa.Text(), nullable=False),
        sa.Column("granted_by", sa.Text(), nullable=False),
        sa.Column("valid_until", sa.Date()),
        _ts("revoked_at"),
        _ts("created_at", required=True),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_mandate_live",
        "mandate",
        ["client_business_id", "agent_business_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.create_table(
        "filing",
        _id(),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("business_id", sa.Text(), nullable=False),
        sa.Column("agent_business_id", sa.Text()),
        sa.Column("agency", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("electronic", sa.Boolean(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("contact_name_enc", sa.LargeBinary()),
        sa.Column("contact_phone_enc", sa.LargeBinary()),
        sa.Column("contact_email_enc", sa.LargeBinary()),
        sa.Column("attachments", JSONB(), nullable=False, server_default=EMPTY_JSON_ARRAY),
        sa.Column("refund_products", JSONB(), nullable=False, server_default=EMPTY_JSON_ARRAY),
        sa.Column("decision_reason", sa.Text()),
        sa.Column("created_by", sa.Text(), nullable=False),
        _ts("created_at", required=True),
        _ts("updated_at", required=True),
        _ts("submitted_at"),
        _ts("decided_at"),
        schema=SCHEMA,
    )
    op.create_index("ix_filing_business", "filing", ["business_id", "id"], schema=SCHEMA)
    op.create_index("ix_filing_agency_status", "filing", ["agency", "status", "id"], schema=SCHEMA)
    op.create_table(
        "filing_item",
        _id(),
        _fk("filing_id", "filing"),
        sa.Column("item_no", sa.SmallInteger(), nullable=False),
        sa.Column("ccc_code", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("unit_value", sa.Numeric(18, 2), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("origin_country", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text()),
        sa.Column("approved_quantity", QUANTITY),
        sa.Column("rejection_reason", sa.Text()),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_filing_item_no", "filing_item", ["filing_id", "item_no"], unique=True, schema=SCHEMA
    )
    op.create_table(
        "supplement",
        _id(),
        _fk("filing_id", "filing"),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        _ts("requested_at", required=True),
        sa.Column("answer", sa.Text()),
        sa.Column("answered_by", sa.Text()),
        _ts("answered_at"),
        schema=SCHEMA,
    )
    op.create_index("ix_supplement_filing", "supplement", ["filing_id", "id"], schema=SCHEMA)


def _certificates() -> None:
    op.create_table(
        "certificate",
        _id(),
        sa.Column("certificate_no", sa.Text(), nullable=False),
        _fk("filing_id", "filing"),
        sa.Column("business_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("ten_digit_rule", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("status_reason", sa.Text()),
        sa.Column("issued_by", sa.Text(), nullable=False),
        _ts("issued_at", required=True),
        sa.UniqueConstraint("certificate_no", name="uq_certificate_certificate_no"),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_certificate_filing", "certificate", ["filing_id"], unique=True, schema=SCHEMA
    )
    op.create_index("ix_certificate_business", "certificate", ["business_id"], schema=SCHEMA)
    op.create_table(
        "certificate_item",
        _id(),
        _fk("certificate_id", "certificate"),
        sa.Column("item_no", sa.SmallInteger(), nullable=False),
        sa.Column("ccc_code", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("approved_quantity", QUANTITY, nullable=False),
        sa.Column("balance", QUANTITY, nullable=False),
        sa.CheckConstraint("balance >= 0", name="ck_certificate_item_balance_not_negative"),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_certificate_item_no",
        "certificate_item",
        ["certificate_id", "item_no"],
        unique=True,
        schema=SCHEMA,
    )


def _declarations() -> None:
    op.create_table(
        "declaration_batch",
        _id(),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("filename", sa.Text()),
        sa.Column("submitted_by", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("counts", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        _ts("created_at", required=True),
        _ts("matched_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "declaration_line",
        _id(),
        _fk("batch_id", "declaration_batch"),
        sa.Column("declaration_no", sa.Text(), nullable=False),
        sa.Column("item_no", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("importer_ban", sa.Text(), nullable=False),
        sa.Column("ccc_code", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("goods_model", sa.Text(), nullable=False),
        sa.Column("goods_spec", sa.Text(), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("doc_unit", sa.Text(), nullable=False),
        sa.Column("stat_quantity", QUANTITY),
        sa.Column("stat_unit", sa.Text()),
        sa.Column("origin_country", sa.Text(), nullable=False),
        sa.Column("cited_certificate_no", sa.Text()),
        sa.Column("cited_item_no", sa.Integer()),
        sa.Column("declaration_date", sa.Date(), nullable=False),
        sa.Column("outcome", sa.Text()),
        sa.Column("refusal_reason", sa.Text()),
        _fk("matched_item_id", "certificate_item", required=False),
        sa.Column("matched_quantity", QUANTITY),
        sa.Column("explanation", JSONB()),
        sa.Column("candidates", JSONB(), nullable=False, server_default=EMPTY_JSON_ARRAY),
        sa.Column("review_status", sa.Text()),
        sa.Column("reviewed_by", sa.Text()),
        _ts("reviewed_at"),
        _ts("matched_at"),
        _ts("superseded_at"),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_declaration_line_current",
        "declaration_line",
        ["declaration_no", "item_no"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("is_current"),
    )
    op.create_index(
        "ix_declaration_line_batch", "declaration_line", ["batch_id", "id"], schema=SCHEMA
    )
    op.create_index(
        "ix_declaration_line_review",
        "declaration_line",
        ["id"],
        schema=SCHEMA,
        postgresql_where=sa.text("review_status = 'pending'"),
    )
    op.create_table(
        "ledger_entry",
        _id(),
        _fk("certificate_item_id", "certificate_item"),
        _fk("declaration_line_id", "declaration_line", required=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        _ts("created_at", required=True),
        schema=SCHEMA,
    )
    op.create_index("ix_ledger_entry_item", "ledger_entry", ["certificate_item_id"], schema=SCHEMA)
    op.create_index("ix_ledger_entry_line", "ledger_entry", ["declaration_line_id"], schema=SCHEMA)


def _notifications() -> None:
    op.create_table(
        "notification_preference",
        sa.Column("business_id", sa.Text(), primary_key=True),
        sa.Column("channels", ARRAY(sa.Text()), nullable=False),
        sa.Column("email_enc", sa.LargeBinary()),
        sa.Column("line_user_id_enc", sa.LargeBinary()),
        sa.Column("webhook_url", sa.Text()),
        sa.Column("webhook_secret_enc", sa.LargeBinary()),
        _ts("updated_at", required=True),
        schema=SCHEMA,
    )
    op.create_table(
        "notification",
        _id(),
        sa.Column("business_id", sa.Text(), nullable=False),
        sa.Column("filing_id", sa.BigInteger()),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("outbox_message_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _ts("sent_at"),
        _ts("created_at", required=True),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_notification_business", "notification", ["business_id", "id"], schema=SCHEMA
    )
    op.create_index(
        "uq_notification_message",
        "notification",
        ["outbox_message_id"],
        unique=True,
        schema=SCHEMA,
    )


def upgrade() -> None:
    _filings()
    _certificates()
    _declarations()
    _notifications()


def downgrade() -> None:
    for table in (
        "notification",
        "notification_preference",
        "ledger_entry",
        "declaration_line",
        "declaration_batch",
        "certificate_item",
        "certificate",
        "supplement",
        "filing_item",
        "filing",
        "mandate",
    ):
        op.drop_table(table, schema=SCHEMA)
