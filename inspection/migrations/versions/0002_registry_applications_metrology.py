"""Marks and certificates registry, CNS marks, applications, regulated products, metrology.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Public checks look records up by their normalised number (unique btree indexes); the status
ledgers are read by (subject_id, at). Encrypted personal data is bytea.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inspection"
EMPTY_TEXT_ARRAY = sa.text("'{}'::text[]")


def _id() -> sa.Column:  # type: ignore[type-arg]  # alembic ops take untyped columns
    return sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True)


def _stamp(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def _ledger(name: str, parent: str) -> None:
    op.create_table(
        name,
        _id(),
        sa.Column(
            "subject_id",
            sa.BigInteger(),
            sa.ForeignKey(f"{SCHEMA}.{parent}.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("valid_from", sa.Date()),
        sa.Column("valid_until", sa.Date()),
        schema=SCHEMA,
    )
    op.create_index(f"ix_{name}_subject_at", name, ["subject_id", "at"], schema=SCHEMA)


def _registry() -> None:
    op.execute(sa.text(f"CREATE SEQUENCE {SCHEMA}.certificate_serial"))
    op.create_table(
        "safety_mark",
        sa.Column("mark_id", sa.Text(), primary_key=True),
        sa.Column("series", sa.Text(), nullable=False),
        sa.Column("holder_business_id", sa.Text(), nullable=False, index=True),
        sa.Column("holder_name", sa.Text(), nullable=False),
        _stamp("created_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "certificate",
        _id(),
        sa.Column("number", sa.Text(), nullable=False, unique=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("holder_business_id", sa.Text(), nullable=False, index=True),
        sa.Column("holder_name", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.LargeBinary()),
        sa.Column("contact_phone", sa.LargeBinary()),
        sa.Column("product_name", sa.Text(), nullable=False),
        sa.Column("models", ARRAY(sa.Text()), nullable=False, server_default=EMPTY_TEXT_ARRAY),
        sa.Column("standards", ARRAY(sa.Text()), nullable=False, server_default=EMPTY_TEXT_ARRAY),
        sa.Column("mark_id", sa.Text(), sa.ForeignKey(f"{SCHEMA}.safety_mark.mark_id"), index=True),
        sa.Column("application_id", sa.BigInteger()),
        sa.Column("valid_from", sa.Date()),
        sa.Column("valid_until", sa.Date()),
        sa.Column("renewal_reminded_for", sa.Date()),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        _stamp("created_at"),
        _stamp("updated_at"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_certificate_kind_valid_until", "certificate", ["kind", "valid_until"], schema=SCHEMA
    )
    _ledger("certificate_event", "certificate")


def _cns_marks() -> None:
    op.create_table(
        "cns_mark",
        _id(),
        sa.Column("number", sa.Text(), nullable=False, unique=True),
        sa.Column("cns_standard", sa.Text(), nullable=False, index=True),
        sa.Column("product_name", sa.Text(), nullable=False),
        sa.Column("firm_business_id", sa.Text(), nullable=False, index=True),
        sa.Column("firm_name", sa.Text(), nullable=False),
        sa.Column("factory_name", sa.Text(), nullable=False),
        sa.Column("factory_address", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date()),
        sa.Column("valid_until", sa.Date()),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        _stamp("created_at"),
        _stamp("updated_at"),
        schema=SCHEMA,
    )
    # Substring search on names (pg_trgm is installed by the platform migration when available).
    for column in ("product_name", "firm_name", "factory_name"):
        op.execute(
            sa.text(
                f"CREATE INDEX ix_cns_mark_{column}_trgm ON {SCHEMA}.cns_mark "
                f"USING gin ({column} gin_trgm_ops)"
            )
        )
    _ledger("cns_mark_event", "cns_mark")


def _applications() -> None:
    op.create_table(
        "inspection_application",
        _id(),
        sa.Column("business_id", sa.Text(), nullable=False),
        sa.Column("applicant_name", sa.Text(), nullable=False),
        sa.Column("scheme", sa.Text(), nullable=False),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("ccc_code", sa.Text(), nullable=False),
        sa.Column("product_name", sa.Text(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("port", sa.Text()),
        sa.Column("rpc_modules", sa.Text()),
        sa.Column("type_approval_number", sa.Text()),
        sa.Column("certificate_number", sa.Text()),
        sa.Column("mark_id", sa.Text()),
        sa.Column("failure_notice_number", sa.Text()),
        sa.Column("failure_served_at", sa.DateTime(timezone=True)),
        sa.Column("failure_reason", sa.Text()),
        sa.Column("reinspections_used", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("return_reason", sa.Text()),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        _stamp("created_at"),
        _stamp("updated_at"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_inspection_application_business_id_id",
        "inspection_application",
        ["business_id", "id"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_inspection_application_stage_id",
        "inspection_application",
        ["stage", "id"],
        schema=SCHEMA,
    )
    parent = sa.ForeignKey(f"{SCHEMA}.inspection_application.id", ondelete="CASCADE")
    op.create_table(
        "application_document",
        _id(),
        sa.Column("application_id", sa.BigInteger(), parent, nullable=False, index=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        _stamp("created_at"),
        schema=SCHEMA,
    )
    parent = sa.ForeignKey(f"{SCHEMA}.inspection_application.id", ondelete="CASCADE")
    op.create_table(
        "application_event",
        _id(),
        sa.Column("application_id", sa.BigInteger(), parent, nullable=False, index=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("from_stage", sa.Text(), nullable=False),
        sa.Column("to_stage", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("actor_role", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", JSONB(), nullable=False),
        schema=SCHEMA,
    )


def _regulated_products() -> None:
    op.create_table(
        "regulated_product",
        _id(),
        sa.Column("ccc_prefix", sa.Text(), nullable=False, index=True),
        sa.Column("product_name", sa.Text(), nullable=False),
        sa.Column("schemes", ARRAY(sa.Text()), nullable=False),
        sa.Column("standards", ARRAY(sa.Text()), nullable=False, server_default=EMPTY_TEXT_ARRAY),
        sa.Column("timing", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_until", sa.Date()),
        sa.Column("updated_by", sa.Text(), nullable=False),
        _stamp("created_at"),
        schema=SCHEMA,
    )
    op.execute(
        sa.text(
            f"CREATE INDEX ix_regulated_product_name_trgm ON {SCHEMA}.regulated_product "
            "USING gin (product_name gin_trgm_ops)"
        )
    )


def _metrology() -> None:
    op.create_table(
        "instrument",
        _id(),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("maker", sa.Text(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("serial", sa.Text(), nullable=False, unique=True),
        sa.Column("owner_business_id", sa.Text(), index=True),
        sa.Column("owner_firm_name", sa.Text()),
        sa.Column("owner_person_name", sa.LargeBinary()),
        sa.Column("owner_phone", sa.LargeBinary()),
        sa.Column("location", sa.Text(), nullable=False),
        _stamp("created_at"),
        schema=SCHEMA,
    )
    parent = sa.ForeignKey(f"{SCHEMA}.instrument.id", ondelete="CASCADE")
    op.create_table(
        "verification",
        _id(),
        sa.Column("instrument_id", sa.BigInteger(), parent, nullable=False, index=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("applied_by", sa.Text(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Text()),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("verified_on", sa.Date()),
        sa.Column("valid_until", sa.Date()),
        sa.Column("sticker_number", sa.Text()),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        schema=SCHEMA,
    )


def upgrade() -> None:
    op.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    _registry()
    _cns_marks()
    _applications()
    _regulated_products()
    _metrology()


def downgrade() -> None:
    for table in (
        "verification",
        "instrument",
        "regulated_product",
        "application_event",
        "application_document",
        "inspection_application",
        "cns_mark_event",
        "cns_mark",
        "certificate_event",
        "certificate",
        "safety_mark",
    ):
        op.drop_table(table, schema=SCHEMA)
    op.execute(sa.text(f"DROP SEQUENCE {SCHEMA}.certificate_serial"))
