"""Tables of the investment schema: registry, survey season, industrial parks.

The migrations (``0002_*`` onward) are written by hand; these Core tables mirror them for the
queries. Personal data (the factory owner's name, the contact person's name, phone and e-mail of
a return, export files holding them) is stored only as ``common.pii`` ciphertext in ``bytea``
columns, declared in the manifest's ``encrypted_columns``.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from common.database import service_metadata
from common.platform_tables import PlatformTables

metadata = service_metadata("investment")
platform_tables = PlatformTables.define(metadata)

_EMPTY_JSON = text("'{}'::jsonb")

# 工廠登記: one row per registration number; a factory missing from a later release is kept
# with in_registry = false (its returns and history still point at it).
factory = Table(
    "factory",
    metadata,
    Column("registration_number", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("business_id", Text, nullable=False, index=True),
    Column("organization_type", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("address_key", Text, nullable=False),
    Column("village", Text, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("county_name", Text, nullable=False),
    Column("township", Text),
    Column("permit_number", Text),
    Column("establishment_approved_on", Date),
    Column("registration_approved_on", Date),
    Column("industries", JSONB, nullable=False),  # [[code, name], ...]
    Column("products", JSONB, nullable=False),
    Column("industry_codes", ARRAY(Text), nullable=False),
    Column("product_codes", ARRAY(Text), nullable=False),
    Column("owner_name", LargeBinary),  # encrypted
    Column("website", Text),
    Column("product_description", Text),
    Column("material", Text),
    Column("longitude", Float),
    Column("latitude", Float),
    Column("in_registry", Boolean, nullable=False, server_default=text("true")),
    Column("import_run_id", BigInteger),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

registry_import = Table(
    "registry_import",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("outcome", Text, nullable=False),  # applied / refused
    Column("summary", JSONB, nullable=False, server_default=_EMPTY_JSON),
    Column("row_errors", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("started_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
)

survey_form = Table(
    "survey_form",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("form_id", Text, nullable=False),
    Column("version", Text, nullable=False),
    Column("survey_year", SmallInteger, nullable=False),
    Column("base_year", SmallInteger, nullable=False),
    Column("document", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

survey_campaign = Table(
    "survey_campaign",
    metadata,
    Column("survey_year", SmallInteger, primary_key=True, autoincrement=False),
    Column("form_pk", BigInteger, ForeignKey("investment.survey_form.id"), nullable=False),
    Column("opens_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# One return per factory and campaign, created when the campaign opens. ``version`` is the
# ETag: every write bumps it, and a write must name the version it read (If-Match).
survey_return = Table(
    "survey_return",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "survey_year",
        SmallInteger,
        ForeignKey("investment.survey_campaign.survey_year"),
        nullable=False,
    ),
    Column(
        "registration_number",
        Text,
        ForeignKey("investment.factory.registration_number"),
        nullable=False,
    ),
    Column("business_id", Text, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township", Text),
    Column("status", Text, nullable=False, server_default=text("'not_started'")),
    Column("answers", JSONB, nullable=False, server_default=_EMPTY_JSON),
    Column("personal", LargeBinary),  # encrypted JSON of the personal answers
    Column("version", Integer, nullable=False, server_default=text("0")),
    Column("problem_count", Integer),
    Column("submission_count", Integer, nullable=False, server_default=text("0")),
    Column("receipt_number", Text),  # unique by construction (returns.receipts)
    Column("first_submitted_at", DateTime(timezone=True)),
    Column("submitted_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

invitation = Table(
    "invitation",
    metadata,
    Column("code_hash", LargeBinary(32), primary_key=True),
    Column("return_id", BigInteger, ForeignKey("investment.survey_return.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

# What surveyors and officers did to a return, and the comments the factory sees.
return_event = Table(
    "return_event",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("return_id", BigInteger, ForeignKey("investment.survey_return.id"), nullable=False),
    Column("action", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("comment", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

reminder = Table(
    "reminder",
    metadata,
    Column("outbox_id", BigInteger, primary_key=True, autoincrement=False),
    Column("return_id", BigInteger, ForeignKey("investment.survey_return.id"), nullable=False),
    Column("channel", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

survey_export = Table(
    "survey_export",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("survey_year", SmallInteger, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=text("'queued'")),
    Column("row_count", Integer),
    Column("content", LargeBinary),  # encrypted CSV: it holds contact persons
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
)

park = Table(
    "park",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False, unique=True),
    Column("former_name", Text),
    Column("county_code", Text, nullable=False),
    Column("county_name", Text, nullable=False),
    Column("category", Text),
    Column("established", Text),
    Column("area_ha", Float, nullable=False),
    Column("land_use", Text),
    Column("longitude", Float),
    Column("latitude", Float),
    Column("location_note", Text),
    Column("land_for_rent_ha", Float, nullable=False, server_default=text("0")),
    Column("land_for_sale_ha", Float, nullable=False, server_default=text("0")),
    Column("lease_only", Boolean, nullable=False, server_default=text("false")),
    Column("allowed_industries", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("power_capacity_kw", Float, nullable=False, server_default=text("0")),
    Column("water_capacity_m3_per_day", Float, nullable=False, server_default=text("0")),
    Column("has_natural_gas", Boolean, nullable=False, server_default=text("false")),
    Column("has_wastewater_treatment", Boolean, nullable=False, server_default=text("false")),
    Column("incentives", Text),
    Column("contact_office", Text),  # the park's service centre, not a person
    Column("source", Text, nullable=False),
)
