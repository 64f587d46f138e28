"""Finer statistics on ``mark_text.compact`` for contains' ``LIKE '%x%'`` estimates.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

PostgreSQL estimates an infix ``LIKE`` by testing the pattern against the column's histogram.
With the default 100 entries a substring held by one mark in a hundred matches zero or one entry,
so the estimate was off by ten times either way (``%ilverh%``: 2,663 estimated, 320 found) and
the planner walked the whole keyset btree for a rare substring instead of taking the trigram
index. A thousand entries estimate within a few percent (2,663 -> 238; ``%star%`` 6,885 for
6,891), which also makes the estimated total of a broad contains listing worth showing. The cost
is a larger ``ANALYZE`` sample (seconds at a million marks) and ~0.1 ms more planning.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ip_search"
STATISTICS_TARGET = 1000


def upgrade() -> None:
    op.execute(
        f"ALTER TABLE {SCHEMA}.mark_text ALTER COLUMN compact SET STATISTICS {STATISTICS_TARGET}"
    )
    op.execute(f"ANALYZE {SCHEMA}.mark_text")


def downgrade() -> None:
    op.execute(f"ALTER TABLE {SCHEMA}.mark_text ALTER COLUMN compact SET STATISTICS -1")
