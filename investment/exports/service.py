"""Use cases of exports: request one (a job through the outbox), read its status and file."""

from __future__ import annotations

import asyncio

from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, Role
from common.errors import BadRequest, Conflict, NotFound
from common.exports import ExportStatus, submit
from common.pii import FieldCipher
from investment.exports.jobs import content_cipher_args
from investment.exports.schemas import ExportOut
from investment.invitations.service import county_scope
from investment.models import platform_tables, survey_export

EXPORT_TOPIC = "investment.export"


def export_out(row: RowMapping, prefix: str) -> ExportOut:
    done = row["status"] == ExportStatus.DONE
    return ExportOut(
        id=row["id"],
        survey_year=row["survey_year"],
        county_code=row["county_code"],
        status=ExportStatus(row["status"]),
        row_count=row["row_count"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
        content_url=f"{prefix}/exports/{row['id']}/content" if done else None,
    )


async def request_export(
    session: AsyncSession, principal: Principal, year: int, county_code: str | None, prefix: str
) -> ExportOut:
    county = county_scope(principal, county_code)
    if county is None:
        raise BadRequest("name the county to export")
    values = {"survey_year": year, "county_code": county, "requested_by": principal.audit_name}
    row = await submit(session, platform_tables, survey_export, EXPORT_TOPIC, values)
    return export_out(row, prefix)


# Every column but the file: a status poll must not fetch tens of MB to read its status.
_STATUS_COLUMNS = [column for column in survey_export.c if column.key != "content"]


async def _visible(
    session: AsyncSession, principal: Principal, export_id: int, *, content: bool = False
) -> RowMapping:
    """The export if the principal may see it (404 otherwise); its file only with ``content``."""
    columns = survey_export.c if content else _STATUS_COLUMNS
    statement = select(*columns).where(survey_export.c.id == export_id)
    row = (await session.execute(statement)).mappings().first()
    if row is None or (principal.role is Role.SURVEYOR and row["county_code"] != principal.county):
        raise NotFound()
    return row


async def get_export(
    session: AsyncSession, principal: Principal, export_id: int, prefix: str
) -> ExportOut:
    return export_out(await _visible(session, principal, export_id), prefix)


async def export_content(
    session: AsyncSession, principal: Principal, export_id: int, cipher: FieldCipher
) -> bytes:
    row = await _visible(session, principal, export_id, content=True)
    if row["status"] != ExportStatus.DONE or row["content"] is None:
        raise Conflict(f"the export is {row['status']}, not ready")
    # A large county's file is tens of MB: decrypted and encoded in a worker thread (tens of
    # ms of CPU), so the replica's other requests are served meanwhile.
    return await asyncio.to_thread(_file_bytes, cipher, bytes(row["content"]), export_id)


def _file_bytes(cipher: FieldCipher, content: bytes, export_id: int) -> bytes:
    """The CSV file as downloaded: UTF-8 with a BOM, so spreadsheets read it as UTF-8."""
    return cipher.decrypt(content, **content_cipher_args(export_id)).encode("utf-8-sig")
