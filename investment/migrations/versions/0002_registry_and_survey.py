"""The factory registry, survey campaigns and returns, invitations, exports and parks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "investment"
EMPTY_JSON = sa.text("'{}'::jsonb")
NOW = sa.func.now()


def _created_at(name: str = "created_at") -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=NOW)


def _factory() -> None:
    op.create_table(
        "factory",
        sa.Column("registration_number", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("business_id", sa.Text(), nullable=False),
        sa.Column("organization_type", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("address_key", sa.Text(), nullable=False),
        sa.Column("village", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("county_name", sa.Text(), nullable=False),
        sa.Column("township", sa.Text()),
        sa.Column("permit_number", sa.Text()),
        sa.Column("establishment_approved_on", sa.Date()),
        sa.Column("registration_approved_on", sa.Date()),
        sa.Column("industries", JSONB(), nullable=False),
        sa.Column("products", JSONB(), nullable=False),
        sa.Column("industry_codes", ARRAY(sa.Text()), nullable=False),
        sa.Column("product_codes", ARRAY(sa.Text()), nullable=False),
        sa.Column("owner_name", sa.LargeBinary()),
        sa.Column("website", sa.Text()),
        sa.Column("product_description", sa.Text()),
        sa.Column("material", sa.Text()),
        sa.Column("longitude", sa.Float()),
        sa.Column("latitude", sa.Float()),
        sa.Column("in_registry", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("import_run_id", sa.BigInteger()),
        _created_at("updated_at"),
        sa.PrimaryKeyConstraint("registration_number", name="pk_factory"),
        schema=SCHEMA,
    )
    op.create_index("ix_factory_business_id", "factory", ["business_id"], schema=SCHEMA)
    op.create_index("ix_factory_county", "factory", ["county_code", "township"], schema=SCHEMA)
    op.create_index(
        "ix_factory_industry_codes",
        "factory",
        ["industry_codes"],
        schema=SCHEMA,
        postgresql_using="gin",
    )
    op.create_table(
        "registry_import",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("summary", JSONB(), nullable=False, server_default=EMPTY_JSON),
        sa.Column("row_errors", JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
        _created_at("started_at"),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_registry_import"),
        schema=SCHEMA,
    )


def _campaigns() -> None:
    op.create_table(
        "survey_form",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("form_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("survey_year", sa.SmallInteger(), nullable=False),
        sa.Column("base_year", sa.SmallInteger(), nullable=False),
        sa.Column("document", JSONB(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_survey_form"),
        sa.UniqueConstraint("form_id", "version", name="uq_survey_form_form_id"),
        schema=SCHEMA,
    )
    op.create_table(
        "survey_campaign",
        sa.Column("survey_year", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("form_pk", sa.BigInteger(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("survey_year", name="pk_survey_campaign"),
        sa.ForeignKeyConstraint(
            ["form_pk"], [f"{SCHEMA}.survey_form.id"], name="fk_survey_campaign_form_pk_survey_form"
        ),
        sa.CheckConstraint("opens_on <= closes_on", name="ck_survey_campaign_dates"),
        schema=SCHEMA,
    )


def _returns() -> None:
    op.create_table(
        "survey_return",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("survey_year", sa.SmallInteger(), nullable=False),
        sa.Column("registration_number", sa.Text(), nullable=False),
        sa.Column("business_id", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township", sa.Text()),
        sa.Column("status", sa.Text(), nullable=False, server_default=sa.text("'not_started'")),
        sa.Column("answers", JSONB(), nullable=False, server_default=EMPTY_JSON),
        sa.Column("personal", sa.LargeBinary()),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("problem_count", sa.Integer()),
        sa.Column("submission_count", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("receipt_number", sa.Text()),
        sa.Column("first_submitted_at", sa.DateTime(timezone=True)),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        _created_at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_survey_return"),
        sa.UniqueConstraint("receipt_number", name="uq_survey_return_receipt_number"),
        sa.UniqueConstraint(
            "survey_year", "registration_number", name="uq_survey_return_survey_year"
        ),
        sa.ForeignKeyConstraint(
            ["survey_year"],
            [f"{SCHEMA}.survey_campaign.survey_year"],
            name="fk_survey_return_survey_year_survey_campaign",
        ),
        sa.ForeignKeyConstraint(
            ["registration_number"],
            [f"{SCHEMA}.factory.registration_number"],
            name="fk_survey_return_registration_number_factory",
        ),
        sa.CheckConstraint(
            "status IN ('not_started', 'draft', 'submitted', 'flagged', 'accepted', 'reviewed')",
            name="ck_survey_return_status",
        ),
        schema=SCHEMA,
    )
    # Work lists and progress read by (year, county, township | status).
    op.create_index(
        "ix_survey_return_work_list",
        "survey_return",
        ["survey_year", "county_code", "township", "id"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_survey_return_status",
        "survey_return",
        ["survey_year", "county_code", "status"],
        schema=SCHEMA,
    )
    op.create_index("ix_survey_return_business_id", "survey_return", ["business_id"], schema=SCHEMA)


def _return_children() -> None:
    return_fk = f"{SCHEMA}.survey_return.id"
    op.create_table(
        "invitation",
        sa.Column("code_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("return_id", sa.BigInteger(), nullable=False),
        _created_at(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("code_hash", name="pk_invitation"),
        sa.ForeignKeyConstraint(
            ["return_id"], [return_fk], name="fk_invitation_return_id_survey_return"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_invitation_return_id", "invitation", ["return_id"], schema=SCHEMA)
    op.create_table(
        "return_event",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("return_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("actor_role", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text()),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_return_event"),
        sa.ForeignKeyConstraint(
            ["return_id"], [return_fk], name="fk_return_event_return_id_survey_return"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_return_event_return_id", "return_event", ["return_id", "id"], schema=SCHEMA)
    op.create_table(
        "reminder",
        sa.Column("outbox_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("return_id", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        _created_at("sent_at"),
        sa.PrimaryKeyConstraint("outbox_id", name="pk_reminder"),
        sa.ForeignKeyConstraint(
            ["return_id"], [return_fk], name="fk_reminder_return_id_survey_return"
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "survey_export",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("survey_year", sa.SmallInteger(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False, server_default=sa.text("'queued'")),
        sa.Column("row_count", sa.Integer()),
        sa.Column("content", sa.LargeBinary()),
        _created_at(),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_survey_export"),
        schema=SCHEMA,
    )


def _parks() -> None:
    zero = sa.text("0")
    false = sa.false()
    op.create_table(
        "park",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("former_name", sa.Text()),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("county_name", sa.Text(), nullable=False),
        sa.Column("category", sa.Text()),
        sa.Column("established", sa.Text()),
        sa.Column("area_ha", sa.Float(), nullable=False),
        sa.Column("land_use", sa.Text()),
        sa.Column("longitude", sa.Float()),
        sa.Column("latitude", sa.Float()),
        sa.Column("location_note", sa.Text()),
        sa.Column("land_for_rent_ha", sa.Float(), nullable=False, server_default=zero),
        sa.Column("land_for_sale_ha", sa.Float(), nullable=False, server_default=zero),
        sa.Column("lease_only", sa.Boolean(), nullable=False, server_default=false),
        sa.Column(
            "allowed_industries", ARRAY(sa.Text()), nullable=False, server_default=sa.text("'{}'")
        ),
        sa.Column("power_capacity_kw", sa.Float(), nullable=False, server_default=zero),
        sa.Column("water_capacity_m3_per_day", sa.Float(), nullable=False, server_default=zero),
        sa.Column("has_natural_gas", sa.Boolean(), nullable=False, server_default=false),
        sa.Column("has_wastewater_treatment", sa.Boolean(), nullable=False, server_default=false),
        sa.Column("incentives", sa.Text()),
        sa.Column("contact_office", sa.Text()),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_park"),
        sa.UniqueConstraint("name", name="uq_park_name"),
        schema=SCHEMA,
    )
    op.create_index("ix_park_county_code", "park", ["county_code"], schema=SCHEMA)


def upgrade() -> None:
    _factory()
    _campaigns()
    _returns()
    _return_children()
    _parks()


def downgrade() -> None:
    for table in (
        "park",
        "survey_export",
        "reminder",
        "return_event",
        "invitation",
        "survey_return",
        "survey_campaign",
        "survey_form",
        "registry_import",
        "factory",
    ):
        op.drop_table(table, schema=SCHEMA)
