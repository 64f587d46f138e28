"""Every query of the factory registry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Text, any_, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.pagination import keyset_page
from investment.db_types import AnyRow
from investment.models import factory, registry_import

UPSERT_BATCH = 1000
# Everything but the key is overwritten by a newer release.
_UPDATED = [c.name for c in factory.columns if c.name != "registration_number"]


async def stored_rows(session: AsyncSession) -> list[AnyRow]:
    """Every factory still in the registry (the previous snapshot of a re-import)."""
    result = await session.execute(select(factory).where(factory.c.in_registry))
    return list(result.all())


async def start_import(session: AsyncSession, source: str) -> int:
    statement = (
        insert(registry_import)
        .values(source=source, outcome="running")
        .returning(registry_import.c.id)
    )
    run_id: int = (await session.execute(statement)).scalar_one()
    return run_id


async def finish_import(
    session: AsyncSession,
    run_id: int,
    outcome: str,
    summary: dict[str, Any],
    row_errors: list[dict[str, Any]],
) -> None:
    await session.execute(
        update(registry_import)
        .where(registry_import.c.id == run_id)
        .values(outcome=outcome, summary=summary, row_errors=row_errors, finished_at=func.now())
    )


async def upsert(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new factories and overwrite changed ones, in batches of ``UPSERT_BATCH``."""
    for start in range(0, len(rows), UPSERT_BATCH):
        statement = pg_insert(factory)
        statement = statement.on_conflict_do_update(
            index_elements=[factory.c.registration_number],
            set_={name: statement.excluded[name] for name in _UPDATED} | {"updated_at": func.now()},
        )
        await session.execute(statement, list(rows[start : start + UPSERT_BATCH]))


async def delist(session: AsyncSession, numbers: Iterable[str], run_id: int) -> None:
    """Factories missing from the new release stay, marked as no longer registered."""
    await session.execute(
        update(factory)
        .where(factory.c.registration_number == any_(_text_array("numbers", numbers)))
        .values(in_registry=False, import_run_id=run_id, updated_at=func.now())
    )


async def count_factories(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(factory)) or 0)


async def get_factory(session: AsyncSession, registration_number: str) -> AnyRow | None:
    query = select(factory).where(factory.c.registration_number == registration_number)
    return (await session.execute(query)).first()


async def search(
    session: AsyncSession,
    *,
    county_code: str | None,
    township: str | None,
    industry_code: str | None,
    cursor: str | None,
    limit: int,
) -> list[AnyRow]:
    query = select(factory).where(factory.c.in_registry)
    if county_code:
        query = query.where(factory.c.county_code == county_code)
    if township:
        query = query.where(factory.c.township == township)
    if industry_code:
        query = query.where(factory.c.industry_codes.contains([industry_code]))
    key = [factory.c.registration_number]
    return list((await session.execute(keyset_page(query, key, cursor=cursor, limit=limit))).all())


def _text_array(name: str, values: Iterable[str]) -> Any:
    """One array parameter: a re-import may delist more rows than a query may have parameters."""
    return bindparam(name, value=list(values), type_=ARRAY(Text))
