"""Filing a return updates its row in place (HOT): no index on what filing changes, and room.

A save, a submit and a surveyor's decision change a return's status and receipt number; an
index on either made every such UPDATE write a new entry in all six indexes of the table. The
status index served no query the work-list index (year, county, township, id) does not: every
read by status is scoped to a year and county first. Receipt numbers are unique by construction
(``investment.returns.receipts``: the return id and its submission count) and nothing looks a
return up by one. A fillfactor leaves each page room for a row's next version. It applies to
pages filled from now on, such as a new campaign's returns; older pages keep theirs until
rewritten.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "investment"
TABLE = "survey_return"
FILLFACTOR = 80


def upgrade() -> None:
    op.drop_index("ix_survey_return_status", TABLE, schema=SCHEMA)
    op.drop_constraint("uq_survey_return_receipt_number", TABLE, schema=SCHEMA, type_="unique")
    op.execute(f"ALTER TABLE {SCHEMA}.{TABLE} SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    op.execute(f"ALTER TABLE {SCHEMA}.{TABLE} RESET (fillfactor)")
    op.create_unique_constraint(
        "uq_survey_return_receipt_number", TABLE, ["receipt_number"], schema=SCHEMA
    )
    op.create_index(
        "ix_survey_return_status",
        TABLE,
        ["survey_year", "county_code", "status"],
        schema=SCHEMA,
    )
