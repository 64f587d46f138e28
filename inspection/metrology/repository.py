"""Queries of the metrology registry: instruments, verifications, type-approval reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import RowMapping, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from inspection.ledger.repository import events_json
from inspection.ledger.tables import CERTIFICATES
from inspection.models import certificate, instrument, verification


async def next_instrument_id(session: AsyncSession) -> int:
    """An id reserved before the insert: encrypted values bind their row's id."""
    sequence = func.pg_get_serial_sequence(instrument.fullname, instrument.c.id.name)
    instrument_id = await session.scalar(select(func.nextval(sequence)))
    assert instrument_id is not None  # nextval always returns a value
    return int(instrument_id)


async def insert_instrument(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(instrument).values(values))


async def by_serial(session: AsyncSession, serial: str) -> RowMapping | None:
    statement = select(instrument).where(instrument.c.serial == serial)
    return (await session.execute(statement)).mappings().first()


async def verifications(session: AsyncSession, instrument_id: int) -> Sequence[RowMapping]:
    statement = (
        select(verification)
        .where(verification.c.instrument_id == instrument_id)
        .order_by(verification.c.id)
    )
    rows: Sequence[RowMapping] = (await session.execute(statement)).mappings().all()
    return rows


async def insert_verification(session: AsyncSession, values: dict[str, Any]) -> int:
    statement = insert(verification).values(values).returning(verification.c.id)
    verification_id: int = (await session.execute(statement)).scalar_one()
    return verification_id


async def verification_for_update(session: AsyncSession, verification_id: int) -> RowMapping | None:
    statement = (
        select(verification, instrument.c.kind.label("instrument_kind"), instrument.c.serial)
        .join(instrument, instrument.c.id == verification.c.instrument_id)
        .where(verification.c.id == verification_id)
        .with_for_update(of=verification)
    )
    return (await session.execute(statement)).mappings().first()


async def decide(session: AsyncSession, verification_id: int, values: dict[str, Any]) -> None:
    statement = update(verification).where(verification.c.id == verification_id).values(values)
    await session.execute(statement)


async def reminder_candidates(
    connection: AsyncConnection | AsyncSession, kinds: Sequence[str], until: date
) -> Sequence[RowMapping]:
    """Type-approval certificates ending by ``until`` whose current expiry was not reminded."""
    statement = (
        select(
            certificate.c.id,
            certificate.c.number,
            certificate.c.holder_business_id,
            certificate.c.valid_until,
            events_json(CERTIFICATES).label("events"),
        )
        .where(
            certificate.c.kind.in_(kinds),
            certificate.c.valid_until <= until,
            or_(
                certificate.c.renewal_reminded_for.is_(None),
                certificate.c.renewal_reminded_for != certificate.c.valid_until,
            ),
        )
        .with_for_update(of=certificate, skip_locked=True)
    )
    rows: Sequence[RowMapping] = (await connection.execute(statement)).mappings().all()
    return rows


async def mark_reminded(
    connection: AsyncConnection | AsyncSession, certificate_id: int, valid_until: date
) -> None:
    statement = (
        update(certificate)
        .where(certificate.c.id == certificate_id)
        .values(renewal_reminded_for=valid_until)
    )
    await connection.execute(statement)
