"""Reads of the public checks: one statement per answer, record and ledger together."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import RowMapping, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from inspection.ledger.repository import events_json
from inspection.ledger.tables import CERTIFICATES, CNS_MARKS
from inspection.models import certificate, cns_mark, instrument, safety_mark, verification


async def certificate_by_number(session: AsyncSession, number: str) -> RowMapping | None:
    statement = select(
        certificate.c.number,
        certificate.c.holder_name,
        certificate.c.product_name,
        events_json(CERTIFICATES).label("events"),
    ).where(certificate.c.number == number)
    return (await session.execute(statement)).mappings().first()


async def cns_mark_by_number(session: AsyncSession, number: str) -> RowMapping | None:
    statement = select(
        cns_mark.c.number,
        cns_mark.c.firm_name,
        cns_mark.c.product_name,
        cns_mark.c.cns_standard,
        events_json(CNS_MARKS).label("events"),
    ).where(cns_mark.c.number == number)
    return (await session.execute(statement)).mappings().first()


async def mark_holder(session: AsyncSession, mark_id: str) -> str | None:
    statement = select(safety_mark.c.holder_name).where(safety_mark.c.mark_id == mark_id)
    holder: str | None = await session.scalar(statement)
    return holder


async def certificates_of_mark(session: AsyncSession, mark_id: str) -> Sequence[RowMapping]:
    statement = (
        select(
            certificate.c.number,
            certificate.c.product_name,
            events_json(CERTIFICATES).label("events"),
        )
        .where(certificate.c.mark_id == mark_id)
        .order_by(certificate.c.id)
    )
    return (await session.execute(statement)).mappings().all()


async def instrument_by_serial(session: AsyncSession, serial: str) -> RowMapping | None:
    """The instrument and its latest passed verification (null columns if never verified)."""
    latest = (
        select(verification.c.verified_on, verification.c.valid_until)
        .where(
            verification.c.instrument_id == instrument.c.id,
            verification.c.status == "passed",
        )
        .order_by(verification.c.verified_on.desc(), verification.c.id.desc())
        .limit(1)
        .lateral()
    )
    statement = (
        select(
            instrument.c.serial,
            instrument.c.kind,
            instrument.c.maker,
            instrument.c.model,
            instrument.c.owner_firm_name,
            latest.c.verified_on,
            latest.c.valid_until,
        )
        .select_from(instrument.outerjoin(latest, true()))
        .where(instrument.c.serial == serial)
    )
    return (await session.execute(statement)).mappings().first()
