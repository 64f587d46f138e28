"""Queries of mandates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, RowMapping, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tax_exemption.models import mandate


def live(today: date) -> ColumnElement[bool]:
    """A mandate in force on ``today``: not revoked and not past its last day."""
    return (mandate.c.revoked_at.is_(None)) & or_(
        mandate.c.valid_until.is_(None), mandate.c.valid_until >= today
    )


def clients_of(agent_business_id: str, today: date) -> ColumnElement[str]:
    """A subquery: the firms ``agent_business_id`` may act for today."""
    return (
        select(mandate.c.client_business_id)
        .where(mandate.c.agent_business_id == agent_business_id, live(today))
        .scalar_subquery()
    )


async def has_mandate(session: AsyncSession, client: str, agent: str, today: date) -> bool:
    statement = select(mandate.c.id).where(
        mandate.c.client_business_id == client, mandate.c.agent_business_id == agent, live(today)
    )
    return (await session.execute(statement)).first() is not None


async def insert_mandate(
    session: AsyncSession, client: str, agent: str, granted_by: str, valid_until: date | None
) -> RowMapping | None:
    """The new mandate, or None when one between the two firms is already live."""
    statement = (
        insert(mandate)
        .values(
            client_business_id=client,
            agent_business_id=agent,
            granted_by=granted_by,
            valid_until=valid_until,
        )
        .on_conflict_do_nothing(
            index_elements=["client_business_id", "agent_business_id"],
            index_where=mandate.c.revoked_at.is_(None),
        )
        .returning(mandate)
    )
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


async def revoke(session: AsyncSession, mandate_id: int, client: str) -> RowMapping | None:
    statement = (
        update(mandate)
        .where(
            mandate.c.id == mandate_id,
            mandate.c.client_business_id == client,
            mandate.c.revoked_at.is_(None),
        )
        .values(revoked_at=func.now())
        .returning(mandate)
    )
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


async def list_for(session: AsyncSession, business_id: str) -> list[RowMapping]:
    statement = (
        select(mandate)
        .where(
            or_(
                mandate.c.client_business_id == business_id,
                mandate.c.agent_business_id == business_id,
            )
        )
        .order_by(mandate.c.id)
        .limit(500)
    )
    return list((await session.execute(statement)).mappings())
