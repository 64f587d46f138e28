"""The audit table refuses DELETE (see common.audit.append_only).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

from common.audit.append_only import allow_audit_deletes_v1, refuse_audit_deletes_v1

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    refuse_audit_deletes_v1(op.get_bind(), "ip_search")


def downgrade() -> None:
    allow_audit_deletes_v1(op.get_bind(), "ip_search")
