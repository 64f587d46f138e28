"""The trademark register, its search keys and the import runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Search indexes are GIN (pg_trgm, arrays) and btree only: a GiST trigram index beside the GIN one
made the planner pick the slower GiST scan (issue #3 measurements).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ip_search"
MARK_FK = "ip_search.trademark.application_no"
EMPTY_TEXT_ARRAY = sa.text("'{}'::text[]")


def _trademark() -> None:
    op.create_table(
        "trademark",
        sa.Column("application_no", sa.Text(), nullable=False),
        sa.Column("registration_no", sa.Text()),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("words_zh", sa.Text()),
        sa.Column("words_en", sa.Text()),
        sa.Column("words_ja", sa.Text()),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("kind_code", sa.Text()),
        sa.Column("former_service_mark", sa.Boolean(), nullable=False),
        sa.Column("form", sa.Text()),
        sa.Column("colour", sa.Text()),
        sa.Column("sign", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("nice_classes", ARRAY(sa.SmallInteger()), nullable=False),
        sa.Column("class_codes", ARRAY(sa.Text()), nullable=False),
        sa.Column("groups", ARRAY(sa.Text()), nullable=False),
        sa.Column("vienna_codes", ARRAY(sa.Text()), nullable=False),
        sa.Column("applicant_summary", sa.Text()),
        sa.Column("applicant_key", sa.Text()),
        sa.Column("filing_date", sa.Date()),
        sa.Column("received_date", sa.Date()),
        sa.Column("priority_date", sa.Date()),
        sa.Column("registration_date", sa.Date()),
        sa.Column("publication_date", sa.Date()),
        sa.Column("term_start", sa.Date()),
        sa.Column("term_end", sa.Date()),
        sa.Column("gazette_volume", sa.Text()),
        sa.Column("examiner", sa.Text()),
        sa.Column("lapse_reason", sa.Text()),
        sa.Column("memo", sa.Text()),
        sa.Column("image_urls", ARRAY(sa.Text()), nullable=False, server_default=EMPTY_TEXT_ARRAY),
        sa.Column("audio_url", sa.Text()),
        sa.Column("status_flags", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("match_keys", JSONB(), nullable=False),
        sa.Column("import_run_id", sa.BigInteger()),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("application_no", name="pk_trademark"),
        schema=SCHEMA,
    )
    op.create_index("ix_trademark_registration_no", "trademark", ["registration_no"], schema=SCHEMA)
    for column in ("nice_classes", "groups", "vienna_codes"):
        op.create_index(
            f"ix_trademark_{column}", "trademark", [column], schema=SCHEMA, postgresql_using="gin"
        )


def _details() -> None:
    op.create_table(
        "trademark_class",
        sa.Column("application_no", sa.Text(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("nice_class", sa.SmallInteger()),
        sa.Column("old_code", sa.Boolean(), nullable=False),
        sa.Column("goods", sa.Text(), nullable=False),
        sa.Column("groups", ARRAY(sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("application_no", "position", name="pk_trademark_class"),
        sa.ForeignKeyConstraint(
            ["application_no"],
            [MARK_FK],
            name="fk_trademark_class_application_no_trademark",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "trademark_party",
        sa.Column("application_no", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("name_zh", sa.Text()),
        sa.Column("name_en", sa.Text()),
        sa.Column("name_ja", sa.Text()),
        sa.Column("address", sa.Text()),
        sa.Column("country_code", sa.Text()),
        sa.Column("country_name_zh", sa.Text()),
        sa.PrimaryKeyConstraint("application_no", "role", "position", name="pk_trademark_party"),
        sa.ForeignKeyConstraint(
            ["application_no"],
            [MARK_FK],
            name="fk_trademark_party_application_no_trademark",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("role IN ('applicant', 'owner')", name="role"),
        schema=SCHEMA,
    )
    op.create_table(
        "trademark_agent",
        sa.Column("application_no", sa.Text(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("address", sa.Text()),
        sa.PrimaryKeyConstraint("application_no", "position", name="pk_trademark_agent"),
        sa.ForeignKeyConstraint(
            ["application_no"],
            [MARK_FK],
            name="fk_trademark_agent_application_no_trademark",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )


def _search_keys() -> None:
    op.create_table(
        "mark_text",
        sa.Column("application_no", sa.Text(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("compact", sa.Text(collation="C"), nullable=False),
        sa.Column("form", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("application_no", "position", name="pk_mark_text"),
        sa.ForeignKeyConstraint(
            ["application_no"],
            [MARK_FK],
            name="fk_mark_text_application_no_trademark",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    # exact (=), prefix (LIKE 'x%', byte order) and keyset order (compact, application_no)
    op.create_index(
        "ix_mark_text_compact", "mark_text", ["compact", "application_no"], schema=SCHEMA
    )
    op.execute(
        f"CREATE INDEX ix_mark_text_compact_trgm ON {SCHEMA}.mark_text "
        "USING gin (compact gin_trgm_ops)"
    )
    for table, key in (("mark_gram", "gram"), ("mark_sound", "key")):
        op.create_table(
            table,
            sa.Column(key, sa.Text(collation="C"), nullable=False),
            sa.Column("application_no", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint(key, "application_no", name=f"pk_{table}"),
            schema=SCHEMA,
        )
        # re-import deletes a mark's keys by its number
        op.create_index(f"ix_{table}_application_no", table, ["application_no"], schema=SCHEMA)


def _import_run() -> None:
    op.create_table(
        "import_run",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("feed", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("rejections", JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("error", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_import_run"),
        sa.CheckConstraint("status IN ('finished', 'refused')", name="status"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_import_run_finished_at",
        "import_run",
        ["finished_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'finished'"),
    )


def upgrade() -> None:
    # pg_trgm lives in public (created once per database); its operator classes are found
    # through the search path every connection has.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    _trademark()
    _details()
    _search_keys()
    _import_run()


def downgrade() -> None:
    for table in (
        "import_run",
        "mark_sound",
        "mark_gram",
        "mark_text",
        "trademark_agent",
        "trademark_party",
        "trademark_class",
        "trademark",
    ):
        op.drop_table(table, schema=SCHEMA)
    # pg_trgm stays: other schemas of the database may use it.
