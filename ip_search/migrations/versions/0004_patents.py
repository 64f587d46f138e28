"""Patent documents of TW, US, EP, JP, CN and KR for the patent knowledge search.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

One generated tsvector per query-language field (TI, AB, CL, PA, IN) on the 'simple' config,
each with a GIN index; CJK runs reach them as bigrams through the importer-filled ``*_grams`` /
``*_terms`` columns. IPC codes, their prefixes and the number keys are arrays with GIN indexes,
so ``IC=H01M10/05*`` and ``PN=...`` are index lookups. Dates have btree indexes; the result
order (publication date, id) has its own for keyset pages.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ip_search"
TSV = "to_tsvector('simple'::regconfig, {})"
GENERATED = {
    "title_tsv": "title || ' ' || title_grams",
    "abstract_tsv": "abstract || ' ' || abstract_grams",
    "claims_tsv": "claims || ' ' || claims_grams",
    "applicants_tsv": "applicant_terms",
    "inventors_tsv": "inventor_terms",
}
GIN_ARRAYS = ("ipc", "ipc_prefixes", "pn_keys", "an_keys")
OFFICES = "('TW', 'US', 'EP', 'JP', 'CN', 'KR')"


def _text_array(name: str) -> sa.Column[list[str]]:
    return sa.Column(name, ARRAY(sa.Text()), nullable=False)


def upgrade() -> None:
    op.create_table(
        "patent",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("office", sa.Text(), nullable=False),
        sa.Column("publication_no", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("publication_date", sa.Date(), nullable=False),
        sa.Column("application_no", sa.Text(), nullable=False),
        sa.Column("application_date", sa.Date()),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("claims", sa.Text(), nullable=False),
        _text_array("ipc"),
        _text_array("ipc_prefixes"),
        _text_array("applicants"),
        _text_array("inventors"),
        sa.Column("language", sa.Text(), nullable=False),
        _text_array("pn_keys"),
        _text_array("an_keys"),
        *(
            sa.Column(name, sa.Text(), nullable=False)
            for name in (
                "title_grams",
                "abstract_grams",
                "claims_grams",
                "applicant_terms",
                "inventor_terms",
            )
        ),
        *(
            sa.Column(name, TSVECTOR(), sa.Computed(TSV.format(source), persisted=True))
            for name, source in GENERATED.items()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name="pk_patent"),
        sa.UniqueConstraint("office", "publication_no", name="uq_patent_office_publication_no"),
        sa.CheckConstraint(f"office IN {OFFICES}", name="ck_patent_office"),
        schema=SCHEMA,
    )
    for column in (*GENERATED, *GIN_ARRAYS):
        op.create_index(
            f"ix_patent_{column}", "patent", [column], schema=SCHEMA, postgresql_using="gin"
        )
    op.create_index("ix_patent_order", "patent", ["publication_date", "id"], schema=SCHEMA)
    op.create_index("ix_patent_application_date", "patent", ["application_date"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("patent", schema=SCHEMA)
