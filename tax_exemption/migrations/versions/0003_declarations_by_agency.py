"""Declaration batches and their lines belong to an agency, as filings do.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Officers see and act on their own agency's cases only. Filings carried their agency from the
start; declaration batches and lines did not, so any officer's token read every batch and
worked the whole review queue. Routing: a batch belongs to the agency whose officer ingests it
(only officers of the agency deciding this service's certificates may, since the lines draw
those certificates' balances) and each line to its batch's agency. Rows from before, and rows
a bulk loader writes without an agency, belong to IDA, 產業發展署 (Industrial Development
Administration): the one agency that issues duty-exemption certificates and export raw-material
refund standards (DOMAIN §2), and the service's default ``TAX_EXEMPTION_AGENCY``. The review
queue's partial index leads with the agency, the way each officer reads it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "tax_exemption"
DEFAULT_AGENCY = sa.text("'IDA'")
PENDING = sa.text("review_status = 'pending'")


def upgrade() -> None:
    for table in ("declaration_batch", "declaration_line"):
        op.add_column(
            table,
            sa.Column("agency", sa.Text(), nullable=False, server_default=DEFAULT_AGENCY),
            schema=SCHEMA,
        )
    op.drop_index("ix_declaration_line_review", "declaration_line", schema=SCHEMA)
    op.create_index(
        "ix_declaration_line_review",
        "declaration_line",
        ["agency", "id"],
        schema=SCHEMA,
        postgresql_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_declaration_line_review", "declaration_line", schema=SCHEMA)
    op.create_index(
        "ix_declaration_line_review",
        "declaration_line",
        ["id"],
        schema=SCHEMA,
        postgresql_where=PENDING,
    )
    for table in ("declaration_line", "declaration_batch"):
        op.drop_column(table, "agency", schema=SCHEMA)
