"""Trademark watches of firms and the alerts an import raises on them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

After each import the marks it wrote (``trademark.import_run_id``, now indexed) are scored
against the active watches whose Nice classes or similar groups they share (GIN indexes on the
watch arrays, active watches only). An alert is unique per (watch, mark), so a re-import raises
nothing twice. Alerts carry no foreign key to the mark: the register is only ever upserted, and
tests and tools that truncate the register need not know about alerts. A watch's webhook
secret is stored sealed by the field cipher, never plainly.
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ip_search"
NOW = sa.text("now()")
EMPTY = {"nice_classes": "'{}'::smallint[]", "groups": "'{}'::text[]"}


def _timestamp(name: str) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=NOW)


def _watch() -> None:
    op.create_table(
        "trademark_watch",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("business_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "nice_classes",
            ARRAY(sa.SmallInteger()),
            nullable=False,
            server_default=sa.text(EMPTY["nice_classes"]),
        ),
        sa.Column(
            "groups", ARRAY(sa.Text()), nullable=False, server_default=sa.text(EMPTY["groups"])
        ),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("webhook_url", sa.Text()),
        sa.Column("webhook_secret_enc", sa.LargeBinary()),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_trademark_watch"),
        sa.CheckConstraint("threshold >= 0 AND threshold <= 1", name="threshold"),
        sa.CheckConstraint(
            "cardinality(nice_classes) + cardinality(groups) > 0",
            name="classes_or_groups",
        ),
        sa.CheckConstraint(
            "(webhook_url IS NULL) = (webhook_secret_enc IS NULL)",
            name="webhook",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_trademark_watch_business_id", "trademark_watch", ["business_id", "id"], schema=SCHEMA
    )
    for column in ("nice_classes", "groups"):
        op.create_index(
            f"ix_trademark_watch_{column}",
            "trademark_watch",
            [column],
            schema=SCHEMA,
            postgresql_using="gin",
            postgresql_where=sa.text("active"),
        )


def _alert() -> None:
    op.create_table(
        "trademark_watch_alert",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("watch_id", sa.BigInteger(), nullable=False),
        sa.Column("application_no", sa.Text(), nullable=False),
        sa.Column("import_run_id", sa.BigInteger()),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("breakdown", JSONB(), nullable=False),
        _timestamp("created_at"),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_trademark_watch_alert"),
        sa.UniqueConstraint("watch_id", "application_no", name="uq_trademark_watch_alert_watch_id"),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            [f"{SCHEMA}.trademark_watch.id"],
            name="fk_trademark_watch_alert_watch_id_trademark_watch",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("score >= 0 AND score <= 1", name="score"),
        schema=SCHEMA,
    )
    # A watch's alerts newest first, in keyset pages.
    op.create_index(
        "ix_trademark_watch_alert_watch_id_id",
        "trademark_watch_alert",
        ["watch_id", "id"],
        schema=SCHEMA,
    )
    # Unread counts of a watch read only its unread alerts.
    op.create_index(
        "ix_trademark_watch_alert_unread",
        "trademark_watch_alert",
        ["watch_id"],
        schema=SCHEMA,
        postgresql_where=sa.text("read_at IS NULL"),
    )
    # The watches an import alerted, for their one notice each once the run is matched.
    op.create_index(
        "ix_trademark_watch_alert_import_run_id",
        "trademark_watch_alert",
        ["import_run_id", "watch_id"],
        schema=SCHEMA,
    )


def upgrade() -> None:
    # The marks one import wrote, in keyset chunks: what watch matching reads after each run.
    op.create_index(
        "ix_trademark_import_run_id",
        "trademark",
        ["import_run_id", "application_no"],
        schema=SCHEMA,
    )
    _watch()
    _alert()


def downgrade() -> None:
    op.drop_table("trademark_watch_alert", schema=SCHEMA)
    op.drop_table("trademark_watch", schema=SCHEMA)
    op.drop_index("ix_trademark_import_run_id", table_name="trademark", schema=SCHEMA)
