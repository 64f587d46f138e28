"""Tables of the ip_search schema: the trademark register, its search keys and import runs.

The migrations (``0002_trademark_register``) are written by hand; these Core tables mirror them
for the queries. Search keys live in narrow ``(key, application_no)`` tables with a btree primary
key, because 1–2 character Chinese queries cannot use a trigram index while an exact key lookup
answers them in well under a millisecond; each posting also holds the mark's Nice classes and
length (``0007``) and each text its classes (``0010``), so a class-filtered search reads their
indexes alone. The key tables carry no foreign key on purpose: the importer deletes and
rewrites a mark's keys itself, and a per-row FK check would double the cost of a bulk load.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, UUID

from common.database import service_metadata
from common.platform_tables import PlatformTables

metadata = service_metadata("ip_search")
platform_tables = PlatformTables.define(metadata)

_MARK_FK = "ip_search.trademark.application_no"

trademark = Table(
    "trademark",
    metadata,
    Column("application_no", Text, primary_key=True),
    Column("registration_no", Text, index=True),
    Column("name", Text, nullable=False),
    Column("words_zh", Text),
    Column("words_en", Text),
    Column("words_ja", Text),
    Column("kind", Text, nullable=False),
    Column("kind_code", Text),
    Column("former_service_mark", Boolean, nullable=False),
    Column("form", Text),
    Column("colour", Text),
    Column("sign", Text),
    Column("description", Text),
    Column("status", Text, nullable=False),
    Column("nice_classes", ARRAY(SmallInteger), nullable=False),
    Column("class_codes", ARRAY(Text), nullable=False),
    Column("groups", ARRAY(Text), nullable=False),
    Column("vienna_codes", ARRAY(Text), nullable=False),
    Column("applicant_summary", Text),
    Column("applicant_key", Text),
    Column("filing_date", Date),
    Column("received_date", Date),
    Column("priority_date", Date),
    Column("registration_date", Date),
    Column("publication_date", Date),
    Column("term_start", Date),
    Column("term_end", Date),
    Column("gazette_volume", Text),
    Column("examiner", Text),
    Column("lapse_reason", Text),
    Column("memo", Text),
    Column("image_urls", ARRAY(Text), nullable=False),
    Column("audio_url", Text),
    Column("status_flags", JSONB, nullable=False),
    Column("source", Text, nullable=False),
    Column("match_keys", JSONB, nullable=False),
    Column("import_run_id", BigInteger),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

trademark_class = Table(
    "trademark_class",
    metadata,
    Column("application_no", Text, ForeignKey(_MARK_FK, ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("code", Text, nullable=False),
    Column("nice_class", SmallInteger),
    Column("old_code", Boolean, nullable=False),
    Column("goods", Text, nullable=False),
    Column("groups", ARRAY(Text), nullable=False),
)

trademark_party = Table(
    "trademark_party",
    metadata,
    Column("application_no", Text, ForeignKey(_MARK_FK, ondelete="CASCADE"), primary_key=True),
    Column("role", Text, primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("name_zh", Text),
    Column("name_en", Text),
    Column("name_ja", Text),
    Column("address", Text),
    Column("country_code", Text),
    Column("country_name_zh", Text),
)

trademark_agent = Table(
    "trademark_agent",
    metadata,
    Column("application_no", Text, ForeignKey(_MARK_FK, ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("name_zh", Text, nullable=False),
    Column("address", Text),
)

mark_text = Table(
    "mark_text",
    metadata,
    Column("application_no", Text, ForeignKey(_MARK_FK, ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    # COLLATE "C" (in the migration): byte order, so one btree serves = , LIKE 'x%' and ORDER BY.
    Column("compact", Text, nullable=False),
    Column("form", Text, nullable=False),
    # In the compact index (0010): a class-filtered exact search reads the index alone.
    Column("nice_classes", ARRAY(SmallInteger), nullable=False),
)

# What a similar search ranks and lists of a mark, narrow (0011): the importer upserts it with
# the mark; ``scoring_keys`` are the ``match_keys`` fields scoring reads, packed in one string
# (0012, ``ip_search.text.packed_keys``).
mark_card = Table(
    "mark_card",
    metadata,
    Column("application_no", Text, ForeignKey(_MARK_FK, ondelete="CASCADE"), primary_key=True),
    Column("registration_no", Text),
    Column("name", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("nice_classes", ARRAY(SmallInteger), nullable=False),
    Column("class_codes", ARRAY(Text), nullable=False),
    Column("groups", ARRAY(Text), nullable=False),
    Column("filing_date", Date),
    Column("scoring_keys", Text, nullable=False),
)

mark_gram = Table(
    "mark_gram",
    metadata,
    Column("gram", Text, primary_key=True),
    Column("application_no", Text, primary_key=True, index=True),
    Column("nice_classes", ARRAY(SmallInteger), nullable=False),
    Column("mark_length", SmallInteger, nullable=False),
)

mark_sound = Table(
    "mark_sound",
    metadata,
    Column("key", Text, primary_key=True),
    Column("application_no", Text, primary_key=True, index=True),
    Column("nice_classes", ARRAY(SmallInteger), nullable=False),
    Column("mark_length", SmallInteger, nullable=False),
)

import_run = Table(
    "import_run",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("feed", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("accepted", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("rejections", JSONB, nullable=False),
    Column("error", Text),
)

# --- Open data (0003_open_data): the dataset catalog, its versions, downloads and API keys ---

dataset = Table(
    "dataset",
    metadata,
    Column("id", Text, primary_key=True),
    Column("title_zh", Text, nullable=False),
    Column("title_en", Text, nullable=False),
    Column("description_zh", Text, nullable=False),
    Column("description_en", Text),
    Column("publisher", Text, nullable=False),
    Column("licence", Text, nullable=False),
    Column("update_frequency", Text, nullable=False),
    Column("keywords", ARRAY(Text), nullable=False),
    Column("fields", JSONB, nullable=False),
    Column("media_type", Text, nullable=False),
    Column("latest_version", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

dataset_version = Table(
    "dataset_version",
    metadata,
    Column("dataset_id", Text, ForeignKey("ip_search.dataset.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("storage_key", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("row_count", BigInteger),
    Column("media_type", Text, nullable=False),
    Column("change_note", Text, nullable=False),
    Column("published_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

dataset_download = Table(
    "dataset_download",
    metadata,
    Column("dataset_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("downloads", BigInteger, nullable=False),
)

download_flush = Table(
    "download_flush",
    metadata,
    Column("batch", Text, primary_key=True),
    Column("flushed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

api_key = Table(
    "api_key",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("key_hash", Text, nullable=False, unique=True),
    Column("prefix", Text, nullable=False),
    Column("label", Text, nullable=False),
    Column("daily_quota", Integer, nullable=False),
    Column("requests_per_minute", Integer, nullable=False, server_default="600"),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revoked_at", DateTime(timezone=True)),
)


# Patent documents of six offices (issue #3 item 6, migration 0004). The *_grams / *_terms
# columns hold what ip_search.patents.cjk derives (CJK bigrams, joined names); the tsvectors are
# generated from them by PostgreSQL, one per query-language field, each with a GIN index.
_SIMPLE_TSV = "to_tsvector('simple'::regconfig, {})"

patent = Table(
    "patent",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("office", Text, nullable=False),
    Column("publication_no", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("publication_date", Date, nullable=False),
    Column("application_no", Text, nullable=False),
    Column("application_date", Date),
    Column("title", Text, nullable=False),
    Column("abstract", Text, nullable=False),
    Column("claims", Text, nullable=False),
    Column("ipc", ARRAY(Text), nullable=False),
    Column("ipc_prefixes", ARRAY(Text), nullable=False),
    Column("applicants", ARRAY(Text), nullable=False),
    Column("inventors", ARRAY(Text), nullable=False),
    Column("language", Text, nullable=False),
    Column("pn_keys", ARRAY(Text), nullable=False),
    Column("an_keys", ARRAY(Text), nullable=False),
    Column("title_grams", Text, nullable=False),
    Column("abstract_grams", Text, nullable=False),
    Column("claims_grams", Text, nullable=False),
    Column("applicant_terms", Text, nullable=False),
    Column("inventor_terms", Text, nullable=False),
    Column("title_tsv", TSVECTOR, Computed(_SIMPLE_TSV.format("title || ' ' || title_grams"))),
    Column(
        "abstract_tsv",
        TSVECTOR,
        Computed(_SIMPLE_TSV.format("abstract || ' ' || abstract_grams")),
    ),
    Column("claims_tsv", TSVECTOR, Computed(_SIMPLE_TSV.format("claims || ' ' || claims_grams"))),
    Column("applicants_tsv", TSVECTOR, Computed(_SIMPLE_TSV.format("applicant_terms"))),
    Column("inventors_tsv", TSVECTOR, Computed(_SIMPLE_TSV.format("inventor_terms"))),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("office", "publication_no", name="uq_patent_office_publication_no"),
)

trademark_watch = Table(
    "trademark_watch",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("business_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("nice_classes", ARRAY(SmallInteger), nullable=False),
    Column("groups", ARRAY(Text), nullable=False),
    Column("threshold", Float, nullable=False),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("webhook_url", Text),
    Column("webhook_secret_enc", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

trademark_watch_alert = Table(
    "trademark_watch_alert",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "watch_id",
        BigInteger,
        ForeignKey("ip_search.trademark_watch.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("application_no", Text, nullable=False),
    Column("import_run_id", BigInteger),
    Column("score", Float, nullable=False),
    Column("breakdown", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("read_at", DateTime(timezone=True)),
    UniqueConstraint("watch_id", "application_no"),
)

# Filtered exports of the register (migration 0006): one row per export job, keyed for reuse by
# (query_hash, data_as_of); rows_done is the progress the worker reports while it writes.
trademark_export = Table(
    "trademark_export",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=func.gen_random_uuid()),
    Column("query", JSONB, nullable=False),
    Column("query_hash", Text, nullable=False),
    Column("format", Text, nullable=False),
    Column("data_as_of", DateTime(timezone=True)),
    Column("requested_by", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("estimated_rows", BigInteger, nullable=False),
    Column("rows_done", BigInteger, nullable=False, server_default="0"),
    Column("row_count", BigInteger),
    Column("storage_key", Text),
    Column("sha256", Text),
    Column("size_bytes", BigInteger),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
)
