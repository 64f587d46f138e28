"""A narrow card of each mark: what a similar search ranks and lists, and nothing else.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27

A similar search fetches a hundred-odd candidate marks by primary key. From ``trademark`` each
fetch read a wide row (about 800 bytes: every field of the register) scattered over a table
far larger than the buffer cache, and converted its ``jsonb`` keys back to text. ``mark_card``
holds only the page's columns and the keys scoring reads, as ``json`` text (sent as stored),
in rows less than half as wide.

The importer writes a mark's card in the same statement sequence as its ``trademark`` row
(``ip_search.importing.loader``); existing marks are carded here from ``trademark``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSON

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ip_search"
# The fields of ``trademark.match_keys`` that scoring reads (``ip_search.text.MarkFields``),
# as the importer writes them (a frozen copy of ``ip_search.importing.loader.CARD_KEYS``).
SCORING_KEYS = (
    "json_build_object('forms', match_keys -> 'forms', 'compacts', match_keys -> 'compacts', "
    "'texts', match_keys -> 'texts', 'pinyin_toned', match_keys -> 'pinyin_toned', "
    "'pinyin_plain', match_keys -> 'pinyin_plain', 'phonetic', match_keys -> 'phonetic', "
    "'distinctive', match_keys -> 'distinctive')"
)
CARD_COLUMNS = (
    "application_no, registration_no, name, status, kind, nice_classes, class_codes, groups, "
    "filing_date"
)


def upgrade() -> None:
    op.create_table(
        "mark_card",
        sa.Column("application_no", sa.Text(), nullable=False),
        sa.Column("registration_no", sa.Text()),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("nice_classes", ARRAY(sa.SmallInteger()), nullable=False),
        sa.Column("class_codes", ARRAY(sa.Text()), nullable=False),
        sa.Column("groups", ARRAY(sa.Text()), nullable=False),
        sa.Column("filing_date", sa.Date()),
        sa.Column("scoring_keys", JSON(), nullable=False),
        sa.PrimaryKeyConstraint("application_no", name="pk_mark_card"),
        sa.ForeignKeyConstraint(
            ["application_no"],
            ["ip_search.trademark.application_no"],
            name="fk_mark_card_application_no_trademark",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    # Identifiers and expressions are this module's constants.
    op.execute(
        f"INSERT INTO {SCHEMA}.mark_card ({CARD_COLUMNS}, scoring_keys) "  # noqa: S608
        f"SELECT {CARD_COLUMNS}, {SCORING_KEYS} FROM {SCHEMA}.trademark"
    )
    op.execute(f"ALTER TABLE {SCHEMA}.mark_card SET (parallel_workers = 0)")
    op.execute(f"ANALYZE {SCHEMA}.mark_card")


def downgrade() -> None:
    op.drop_table("mark_card", schema=SCHEMA)
