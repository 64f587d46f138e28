"""The tables every service schema carries: audit trail, outbox, idempotency keys.

Defined once here and stamped into each service's ``MetaData`` (its own schema), so the four
services share the code that reads and writes them but never each other's data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB


@dataclass(frozen=True, slots=True)
class PlatformTables:
    audit_event: Table
    outbox: Table
    idempotency_key: Table

    @classmethod
    def define(cls, metadata: MetaData) -> PlatformTables:
        return cls(
            audit_event=_audit_event(metadata),
            outbox=_outbox(metadata),
            idempotency_key=_idempotency_key(metadata),
        )


def _audit_event(metadata: MetaData) -> Table:
    """Who did what to which record, when, from where; MAC'd per row, then chained by seq."""
    return Table(
        "audit_event",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("actor", String(200), nullable=False),
        Column("actor_role", String(20), nullable=False),
        Column("action", String(100), nullable=False),
        Column("record_type", String(100), nullable=False),
        Column("record_id", String(200), nullable=False),
        Column("outcome", String(20), nullable=False),
        Column("client_ip", String(64), nullable=True),
        Column("request_id", String(64), nullable=True),
        Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("row_mac", LargeBinary(32), nullable=False),
        Column("seq", BigInteger, nullable=True, unique=True),
        Column("chain_mac", LargeBinary(32), nullable=True),
        Index("ix_audit_event_record", "record_type", "record_id", "id"),
        Index("ix_audit_event_unsealed", "id", postgresql_where=text("seq IS NULL")),
    )


def _outbox(metadata: MetaData) -> Table:
    """Messages committed with the state change that caused them; a relay hands them to jobs."""
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("topic", String(100), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("available_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("relayed_at", DateTime(timezone=True), nullable=True),
        Column("completed_at", DateTime(timezone=True), nullable=True),
        Column("failed_at", DateTime(timezone=True), nullable=True),
        Column("attempts", SmallInteger, nullable=False, server_default=text("0")),
        Column("last_error", Text, nullable=True),
        Index(
            "ix_outbox_pending", "available_at", "id", postgresql_where=text("relayed_at IS NULL")
        ),
    )


def _idempotency_key(metadata: MetaData) -> Table:
    """The first response to a creating POST, replayed for a retry with the same key."""
    return Table(
        "idempotency_key",
        metadata,
        Column("owner", String(200), primary_key=True),
        Column("key", String(255), primary_key=True),
        Column("method", String(10), nullable=False),
        Column("path", String(2048), nullable=False),
        Column("request_hash", LargeBinary(32), nullable=False),
        Column("response_status", Integer, nullable=False),
        Column("response_headers", JSONB, nullable=False),
        Column("response_body", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index("ix_idempotency_key_created_at", "created_at"),
    )
