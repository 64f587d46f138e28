"""Where an audited record lies: the one query behind the audit trail's scope in investment."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, SmallInteger, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

from common.audit.scope import TrailScope
from investment.models import registry_import, survey_campaign, survey_export, survey_return

_NATIONAL: ColumnElement[str | None] = literal(None)
# Audited record type -> (the column its record id names, the county the record lies in).
# Campaigns and registry imports are national: no county, so no surveyor reads their trails.
PLACES: dict[str, tuple[ColumnElement[int], ColumnElement[str | None]]] = {
    "survey_return": (survey_return.c.id, survey_return.c.county_code),
    "survey_export": (survey_export.c.id, survey_export.c.county_code),
    "campaign": (survey_campaign.c.survey_year, _NATIONAL),
    "registry_import": (registry_import.c.id, _NATIONAL),
}
_POSITIVE = re.compile(r"[1-9][0-9]{0,18}")


def _largest(column_type: TypeEngine[Any]) -> int:
    """Past it the driver refuses the parameter: a 500 where a missing record means 404."""
    if isinstance(column_type, BigInteger):
        return 2**63 - 1
    return 2**15 - 1 if isinstance(column_type, SmallInteger) else 2**31 - 1


def _key(column: ColumnElement[int], record_id: str) -> int | None:
    """The record id as the key column's value; None when it can name no row."""
    if not _POSITIVE.fullmatch(record_id):
        return None
    value = int(record_id)
    return value if value <= _largest(column.type) else None


async def scope_of(
    session: AsyncSession, record_type: str, record_id: str, *, agency: str
) -> TrailScope | None:
    """The stored record's scope (``agency``'s, and its county's); None for no such record."""
    if record_type not in PLACES:
        return None
    key, county = PLACES[record_type]
    value = _key(key, record_id)
    if value is None:
        return None
    row = (await session.execute(select(county).where(key == value))).first()
    return None if row is None else TrailScope(agency, row[0])
