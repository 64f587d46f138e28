"""Mark texts carry the mark's Nice classes, in the compact index.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27

A class-filtered similar search checked the classes of every mark whose text equals the
query's on its ``trademark`` row: one primary-key lookup in the wide table per mark, and a
common name repeats hundreds of times in a register. ``mark_text`` now holds ``nice_classes``
(as the key postings do since ``0007``) and ``ix_mark_text_compact`` includes it, so the exact
source reads the index alone.

Existing rows are filled from ``trademark`` in one statement, before the index is rebuilt so
the update maintains one index fewer.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ip_search"
INDEX = "ix_mark_text_compact"
KEY = ["compact", "application_no"]


def upgrade() -> None:
    op.drop_index(INDEX, table_name="mark_text", schema=SCHEMA)
    op.add_column(
        "mark_text",
        sa.Column(
            "nice_classes",
            ARRAY(sa.SmallInteger()),
            nullable=False,
            server_default=sa.text("'{}'::smallint[]"),
        ),
        schema=SCHEMA,
    )
    # Identifiers are this module's constants.
    op.execute(
        f"UPDATE {SCHEMA}.mark_text AS m SET nice_classes = t.nice_classes "  # noqa: S608
        f"FROM {SCHEMA}.trademark AS t WHERE t.application_no = m.application_no"
    )
    # The default only filled existing rows: the importer always writes the classes.
    op.alter_column("mark_text", "nice_classes", server_default=None, schema=SCHEMA)
    op.create_index(INDEX, "mark_text", KEY, schema=SCHEMA, postgresql_include=["nice_classes"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="mark_text", schema=SCHEMA)
    op.drop_column("mark_text", "nice_classes", schema=SCHEMA)
    op.create_index(INDEX, "mark_text", KEY, schema=SCHEMA)
