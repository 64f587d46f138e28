"""The open-data catalog: datasets, their published versions, download counts and API keys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

``download_flush`` records each Redis counter batch applied, so a flush that dies between the
PostgreSQL commit and deleting the batch from Redis is not counted twice on the next run.
API keys are stored only as a keyed hash (HMAC with the blind-index key).
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ip_search"
NOW = sa.text("now()")


def _created_at() -> sa.Column[datetime]:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW)


def _dataset() -> None:
    op.create_table(
        "dataset",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text()),
        sa.Column("publisher", sa.Text(), nullable=False),
        sa.Column("licence", sa.Text(), nullable=False),
        sa.Column("update_frequency", sa.Text(), nullable=False),
        sa.Column("keywords", ARRAY(sa.Text()), nullable=False),
        sa.Column("fields", JSONB(), nullable=False),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("latest_version", sa.Integer()),
        _created_at(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("id", name="pk_dataset"),
        schema=SCHEMA,
    )


def _dataset_version() -> None:
    op.create_table(
        "dataset_version",
        sa.Column("dataset_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("row_count", sa.BigInteger()),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("change_note", sa.Text(), nullable=False),
        sa.Column("published_by", sa.Text(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("dataset_id", "version", name="pk_dataset_version"),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            [f"{SCHEMA}.dataset.id"],
            name="fk_dataset_version_dataset_id_dataset",
        ),
        sa.CheckConstraint("version >= 1", name="ck_dataset_version_positive"),
        sa.CheckConstraint("size_bytes >= 0", name="ck_dataset_version_size"),
        schema=SCHEMA,
    )


def _counters() -> None:
    op.create_table(
        "dataset_download",
        sa.Column("dataset_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("downloads", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "version", name="pk_dataset_download"),
        schema=SCHEMA,
    )
    op.create_table(
        "download_flush",
        sa.Column("batch", sa.Text(), nullable=False),
        sa.Column("flushed_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("batch", name="pk_download_flush"),
        schema=SCHEMA,
    )


def _api_key() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("key_hash", sa.Text(), nullable=False),
        sa.Column("prefix", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("daily_quota", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        _created_at(),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_api_key"),
        sa.UniqueConstraint("key_hash", name="uq_api_key_key_hash"),
        sa.CheckConstraint("daily_quota >= 1", name="ck_api_key_quota"),
        schema=SCHEMA,
    )


def upgrade() -> None:
    _dataset()
    _dataset_version()
    _counters()
    _api_key()


def downgrade() -> None:
    for table in ("api_key", "download_flush", "dataset_download", "dataset_version", "dataset"):
        op.drop_table(table, schema=SCHEMA)
