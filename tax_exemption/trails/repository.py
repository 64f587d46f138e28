"""Which agency owns an audited record: the one query behind the audit trail's scope."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from tax_exemption.models import (
    certificate,
    declaration_batch,
    declaration_line,
    filing,
    mandate,
    notification_preference,
)

_CERTIFICATE_AGENCY = (
    select(filing.c.agency).where(filing.c.id == certificate.c.filing_id).scalar_subquery()
)
# Audited record type -> (the column its record id names, the agency owning it). Firm-level
# records (mandates, channels) belong to no case: the caller's fallback, the deployment's agency.
OWNERS: dict[str, tuple[ColumnElement[Any], ColumnElement[str] | None]] = {
    "filing": (filing.c.id, filing.c.agency),
    "certificate": (certificate.c.certificate_no, _CERTIFICATE_AGENCY),
    "declaration_batch": (declaration_batch.c.id, declaration_batch.c.agency),
    "declaration_line": (declaration_line.c.id, declaration_line.c.agency),
    "mandate": (mandate.c.id, None),
    "notification_preference": (notification_preference.c.business_id, None),
}
_BIGINT = re.compile(r"[1-9][0-9]{0,17}")


async def agency_of(
    session: AsyncSession, record_type: str, record_id: str, *, fallback: str
) -> str | None:
    """The owning agency (``fallback`` for firm-level records); None for no such record."""
    if record_type not in OWNERS:
        return None
    key, agency = OWNERS[record_type]
    value: int | str = record_id
    if key.type.python_type is int:
        if not _BIGINT.fullmatch(record_id):
            return None
        value = int(record_id)
    if agency is None:
        found = await session.scalar(select(key).where(key == value))
        return None if found is None else fallback
    owner: str | None = await session.scalar(select(agency).where(key == value))
    return owner
