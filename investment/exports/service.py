"""Use cases of exports: request one (a job through the outbox), read its status and file."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, Role
from common.errors import BadRequest, Conflict, NotFound
from common.jobs import enqueue
from common.pii import FieldCipher
from investment.db_types import AnyRow
from investment.exports.jobs import content_cipher_args
from investment.exports.schemas import ExportOut
from investment.invitations.service import county_scope
from investment.models import platform_tables, survey_export

EXPORT_TOPIC = "investment.export"


def export_out(row: AnyRow, prefix: str) -> ExportOut:
    done = row.status == "done"
    return ExportOut(
        id=row.id,
        survey_year=row.survey_year,
        county_code=row.county_code,
        status=row.status,
        row_count=row.row_count,
        created_at=row.created_at,
        finished_at=row.finished_at,
        content_url=f"{prefix}/exports/{row.id}/content" if done else None,
    )


async def request_export(
    session: AsyncSession, principal: Principal, year: int, county_code: str | None, prefix: str
) -> ExportOut:
    county = county_scope(principal, county_code)
    if county is None:
        raise BadRequest("name the county to export")
    statement = (
        insert(survey_export)
        .values(survey_year=year, county_code=county, requested_by=principal.audit_name)
        .returning(survey_export)
    )
    row = (await session.execute(statement)).one()
    await enqueue(session, platform_tables, EXPORT_TOPIC, {"export_id": row.id})
    return export_out(row, prefix)


async def _visible(session: AsyncSession, principal: Principal, export_id: int) -> AnyRow:
    row = (
        await session.execute(select(survey_export).where(survey_export.c.id == export_id))
    ).first()
    if row is None or (principal.role is Role.SURVEYOR and row.county_code != principal.county):
        raise NotFound()
    return row


async def get_export(
    session: AsyncSession, principal: Principal, export_id: int, prefix: str
) -> ExportOut:
    return export_out(await _visible(session, principal, export_id), prefix)


async def export_content(
    session: AsyncSession, principal: Principal, export_id: int, cipher: FieldCipher
) -> str:
    row = await _visible(session, principal, export_id)
    if row.status != "done" or row.content is None:
        raise Conflict("the export is not ready yet")
    return cipher.decrypt(bytes(row.content), **content_cipher_args(export_id))
