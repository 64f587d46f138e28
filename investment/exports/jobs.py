"""The worker's side of an export: build the county's CSV, store it encrypted, mark it done.

One CSV row per return: the return's facts, then every question of the campaign's form in form
order (personal answers decrypted: the file is for the county's surveyors, so the file itself
is encrypted at rest and each download is audited).
"""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

from sqlalchemy import RowMapping, select

from common.exports import ExportProgress, run_export
from common.jobs import Delivery
from common.pii import FieldCipher
from investment.db_types import AnyRow
from investment.models import factory, survey_campaign, survey_export, survey_form, survey_return
from investment.returns import personal
from investment.survey import FormDefinition

TABLE = "survey_export"
COLUMN = "content"
FIXED = [
    "return_id",
    "registration_number",
    "factory_name",
    "township",
    "status",
    "receipt_number",
    "submitted_at",
]


def content_cipher_args(export_id: int) -> dict[str, str]:
    return {"table": TABLE, "column": COLUMN, "row_key": str(export_id)}


async def build_export(delivery: Delivery) -> None:
    await run_export(delivery, survey_export, _build)


async def _build(delivery: Delivery, job: RowMapping, _progress: ExportProgress) -> dict[str, Any]:
    document = await delivery.session.scalar(
        select(survey_form.c.document)
        .join(survey_campaign, survey_campaign.c.form_pk == survey_form.c.id)
        .where(survey_campaign.c.survey_year == job["survey_year"])
    )
    form = FormDefinition.model_validate(document)
    rows = await _returns(delivery, job["survey_year"], job["county_code"])
    # Decrypting, rendering and sealing a large county's returns is most of a second of CPU:
    # in a worker thread, the worker's loop keeps delivering other jobs meanwhile.
    content = await asyncio.to_thread(sealed_csv, form, rows, delivery.cipher, job["id"])
    return {"row_count": len(rows), "content": content}


async def _returns(delivery: Delivery, year: int, county_code: str) -> list[AnyRow]:
    query = (
        select(survey_return, factory.c.name)
        .join(factory, factory.c.registration_number == survey_return.c.registration_number)
        .where(survey_return.c.survey_year == year, survey_return.c.county_code == county_code)
        .order_by(survey_return.c.id)
    )
    return list((await delivery.session.execute(query)).all())


def sealed_csv(
    form: FormDefinition, rows: list[AnyRow], cipher: FieldCipher, export_id: int
) -> bytes:
    """The export's CSV, encrypted for its ``content`` column."""
    return cipher.encrypt(render_csv(form, rows, cipher), **content_cipher_args(export_id))


def render_csv(form: FormDefinition, rows: list[AnyRow], cipher: FieldCipher) -> str:
    questions = list(form.questions)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIXED + questions)
    for row in rows:
        answers = {**row.answers, **personal.unseal(cipher, row.id, row.personal)}
        fixed = [
            row.id,
            row.registration_number,
            row.name,
            row.township or "",
            row.status,
            row.receipt_number or "",
            row.submitted_at.isoformat() if row.submitted_at else "",
        ]
        writer.writerow(fixed + [_cell(answers.get(q)) for q in questions])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)
