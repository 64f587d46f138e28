"""Queries of the marks and certificates registry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from inspection.ledger.repository import events_json
from inspection.ledger.tables import CERTIFICATES
from inspection.models import certificate, certificate_serial, safety_mark


async def next_serial(session: AsyncSession) -> int:
    serial = await session.scalar(certificate_serial.next_value().select())
    assert serial is not None  # nextval always returns a value
    return int(serial)


async def get_mark(session: AsyncSession, mark_id: str) -> RowMapping | None:
    statement = select(safety_mark).where(safety_mark.c.mark_id == mark_id)
    return (await session.execute(statement)).mappings().first()


async def insert_mark(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(safety_mark).values(values))


async def insert_certificate(session: AsyncSession, values: dict[str, Any]) -> int:
    statement = insert(certificate).values(values).returning(certificate.c.id)
    certificate_id: int = (await session.execute(statement)).scalar_one()
    return certificate_id


async def set_contact(
    session: AsyncSession, certificate_id: int, name: bytes | None, phone: bytes | None
) -> None:
    statement = (
        update(certificate)
        .where(certificate.c.id == certificate_id)
        .values(contact_name=name, contact_phone=phone)
    )
    await session.execute(statement)


async def with_events(session: AsyncSession, number: str) -> RowMapping | None:
    statement = select(certificate, events_json(CERTIFICATES).label("events")).where(
        certificate.c.number == number
    )
    return (await session.execute(statement)).mappings().first()


async def contact_of(session: AsyncSession, number: str) -> RowMapping | None:
    statement = select(
        certificate.c.id, certificate.c.contact_name, certificate.c.contact_phone
    ).where(certificate.c.number == number)
    return (await session.execute(statement)).mappings().first()
