"""The platform tables of the investment schema: audit trail, outbox, idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

from common.migrations import create_platform_tables_v1, drop_platform_tables_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_platform_tables_v1(op.get_bind(), "investment")


def downgrade() -> None:
    drop_platform_tables_v1(op.get_bind(), "investment")
