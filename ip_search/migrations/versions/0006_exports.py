"""Filtered exports of the trademark register, and each API key's request budget.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

An export is keyed by the SHA-256 of its canonical query and the register's ``data_as_of``
stamp: one unique index over the exports still usable (queued, running or done) makes an
identical request within the same import window find the existing export, even when two
arrive at once. Its id is a random UUID: the job URL is not guessable from another's.
``api_key.requests_per_minute`` is the key's own rate-limit budget at the edge, counted apart
from the anonymous per-IP budget.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ip_search"
NOW = sa.text("now()")
USABLE = sa.text("status IN ('queued', 'running', 'done')")
UNFINISHED = sa.text("status IN ('queued', 'running')")


def _trademark_export() -> None:
    op.create_table(
        "trademark_export",
        sa.Column("id", UUID(), nullable=False, server_default=sa.text("gen_random_uuid()")),
        sa.Column("query", JSONB(), nullable=False),
        sa.Column("query_hash", sa.Text(), nullable=False),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("data_as_of", sa.DateTime(timezone=True)),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("estimated_rows", sa.BigInteger(), nullable=False),
        sa.Column("rows_done", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("row_count", sa.BigInteger()),
        sa.Column("storage_key", sa.Text()),
        sa.Column("sha256", sa.Text()),
        sa.Column("size_bytes", sa.BigInteger()),
        sa.Column("error", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_trademark_export"),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'expired')",
            name="status",
        ),
        sa.CheckConstraint("format IN ('csv', 'jsonl')", name="format"),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_trademark_export_query_hash",
        "trademark_export",
        ["query_hash", "data_as_of"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=USABLE,
        postgresql_nulls_not_distinct=True,  # an empty register (no import yet) is one window
    )
    # How many exports one client has waiting: the per-client cap reads only unfinished ones.
    op.create_index(
        "ix_trademark_export_requested_by",
        "trademark_export",
        ["requested_by"],
        schema=SCHEMA,
        postgresql_where=UNFINISHED,
    )
    # The retention chore finds the done exports that have outlived it.
    op.create_index(
        "ix_trademark_export_finished_at",
        "trademark_export",
        ["finished_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'done'"),
    )


def upgrade() -> None:
    _trademark_export()
    op.add_column(
        "api_key",
        sa.Column("requests_per_minute", sa.Integer(), nullable=False, server_default="600"),
        schema=SCHEMA,
    )
    # Named by the naming convention (ck_<table>_<name>), as every check of this schema.
    op.create_check_constraint(
        "requests_per_minute", "api_key", "requests_per_minute >= 1", schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("ck_api_key_requests_per_minute"), "api_key", type_="check", schema=SCHEMA
    )
    op.drop_column("api_key", "requests_per_minute", schema=SCHEMA)
    op.drop_table("trademark_export", schema=SCHEMA)
