"""Search key postings carry the mark's Nice classes and length, read in shortest-mark order.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

A similar search reads each query key's postings in ``mark_gram``/``mark_sound``. Checking the
class filter on the ``trademark`` row cost one primary-key lookup per posting (thousands for a
common bigram): the postings now hold ``nice_classes`` themselves. ``mark_length`` (characters of
the mark's shortest text) orders a key's postings so a search can read only the first few
hundred: among marks sharing a key, the shortest resemble a short query most, and a key shared
by thousands of marks then costs no more than a rare one. The posting index holds all of it, so
the search reads postings without touching the tables.

Existing rows are filled from ``trademark`` (its ``match_keys`` give the texts' lengths).

The search tables get no parallel scans: every search statement is a short index-driven lookup,
and a parallel plan halves the apparent cost of a per-row join so much that the planner chose a
parallel Seq Scan of ``mark_text`` for class-filtered prefix listings.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ip_search"
KEY_TABLES = {"mark_gram": "gram", "mark_sound": "key"}
SEARCH_TABLES = ("mark_text", *KEY_TABLES)
# Characters of the mark's shortest non-empty compact text, as importing.rows computes it.
MARK_LENGTH = (
    "(SELECT coalesce(min(char_length(c)), 0) FROM jsonb_array_elements_text("
    "t.match_keys -> 'compacts') AS c WHERE c <> '')"
)


def upgrade() -> None:
    for table, key in KEY_TABLES.items():
        op.add_column(
            table,
            sa.Column(
                "nice_classes",
                ARRAY(sa.SmallInteger()),
                nullable=False,
                server_default=sa.text("'{}'::smallint[]"),
            ),
            schema=SCHEMA,
        )
        op.add_column(
            table,
            sa.Column("mark_length", sa.SmallInteger(), nullable=False, server_default="0"),
            schema=SCHEMA,
        )
        # Identifiers are this module's constants.
        op.execute(
            f"UPDATE {SCHEMA}.{table} AS k SET nice_classes = t.nice_classes, "  # noqa: S608
            f"mark_length = {MARK_LENGTH} FROM {SCHEMA}.trademark AS t "
            "WHERE t.application_no = k.application_no"
        )
        # The defaults only filled existing rows: the importer must always write both.
        for column in ("nice_classes", "mark_length"):
            op.alter_column(table, column, server_default=None, schema=SCHEMA)
        op.create_index(
            f"ix_{table}_postings",
            table,
            [key, "mark_length", "application_no"],
            schema=SCHEMA,
            postgresql_include=["nice_classes"],
        )
    for table in SEARCH_TABLES:
        op.execute(f"ALTER TABLE {SCHEMA}.{table} SET (parallel_workers = 0)")


def downgrade() -> None:
    for table in SEARCH_TABLES:
        op.execute(f"ALTER TABLE {SCHEMA}.{table} RESET (parallel_workers)")
    for table in KEY_TABLES:
        op.drop_index(f"ix_{table}_postings", table_name=table, schema=SCHEMA)
        op.drop_column(table, "mark_length", schema=SCHEMA)
        op.drop_column(table, "nice_classes", schema=SCHEMA)
