"""Queries of a status ledger: events of a record (also as one JSON column), append, lock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    RowMapping,
    func,
    insert,
    literal_column,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from inspection.domain.status import CertificateAction, StatusEvent
from inspection.ledger.tables import Ledger


def events_json(ledger: Ledger) -> ColumnElement[Any]:
    """A correlated subquery: the record's events as a JSON array, oldest first.

    Reading a record and its ledger in one statement keeps a cold public check at one round trip.
    """
    events = ledger.events
    row = func.json_build_array(
        events.c.action,
        events.c.at,
        events.c.actor,
        events.c.reason,
        events.c.valid_from,
        events.c.valid_until,
    )
    aggregate = func.coalesce(
        func.json_agg(aggregate_order_by(row, events.c.id)), literal_column("'[]'::json")
    )
    subquery = select(aggregate).where(events.c.subject_id == ledger.record.c.id)
    return type_coerce(subquery.scalar_subquery(), JSON)


def parse_events(rows: Sequence[Sequence[Any]]) -> list[StatusEvent]:
    """Events from the JSON arrays of ``events_json``."""
    return [
        StatusEvent(
            action=CertificateAction(row[0]),
            at=datetime.fromisoformat(row[1]),
            actor=row[2],
            reason=row[3],
            valid_from=_date(row[4]),
            valid_until=_date(row[5]),
        )
        for row in rows
    ]


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


async def lock_by_number(session: AsyncSession, ledger: Ledger, number: str) -> RowMapping | None:
    """The record, locked for the rest of the transaction (officer actions serialise on it)."""
    record = ledger.record
    statement = select(record, events_json(ledger).label("events")).where(record.c.number == number)
    return (await session.execute(statement.with_for_update(of=record))).mappings().first()


async def append(
    session: AsyncSession, ledger: Ledger, subject_id: int, event: StatusEvent
) -> None:
    await session.execute(
        insert(ledger.events).values(
            subject_id=subject_id,
            action=event.action.value,
            at=event.at,
            actor=event.actor,
            reason=event.reason,
            valid_from=event.valid_from,
            valid_until=event.valid_until,
        )
    )


async def touch(session: AsyncSession, ledger: Ledger, subject_id: int, event: StatusEvent) -> None:
    """Bump the record's version; copy new validity dates onto it when the event sets them."""
    record = ledger.record
    values: dict[str, Any] = {"version": record.c.version + 1, "updated_at": func.now()}
    if event.valid_from is not None:
        values |= {"valid_from": event.valid_from, "valid_until": event.valid_until}
    await session.execute(update(record).where(record.c.id == subject_id).values(values))
