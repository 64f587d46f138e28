"""Queries of matching: the certificate items a batch may draw on, and the batch's lines."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields
from typing import Any

from asyncpg import Record
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    RowMapping,
    Table,
    Text,
    any_,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from common.driver import DriverStatement, session_connection
from tax_exemption.domain.matching import CertificateItem, DeclarationLine
from tax_exemption.domain.workflow import CertificateStatus
from tax_exemption.matching.records import DecisionArrays, numeric_texts
from tax_exemption.models import certificate, certificate_item, declaration_batch, declaration_line

LIVE = (CertificateStatus.ACTIVE, CertificateStatus.AMENDED)


def _record_columns(record: type[Any], tables: Sequence[Table]) -> list[ColumnElement[Any]]:
    """The columns named as ``record``'s fields, in its field order, each from the first of
    ``tables`` that has it: the engine's records are then built from rows by position
    (``records.stored_item``, ``records.stored_line``)."""
    return [
        next(table.c[field.name] for table in tables if field.name in table.c)
        for field in fields(record)
    ]


# Arrays, not IN lists: one statement whatever the number of firms and certificates, compiled
# and prepared once rather than anew for every batch.
_ITEMS = (
    select(
        certificate_item.c.id, *_record_columns(CertificateItem, [certificate, certificate_item])
    )
    .join(certificate, certificate.c.id == certificate_item.c.certificate_id)
    .where(
        certificate.c.status == any_(bindparam("statuses", type_=ARRAY(Text))),
        or_(
            certificate.c.business_id == any_(bindparam("firms", type_=ARRAY(Text))),
            certificate.c.certificate_no == any_(bindparam("numbers", type_=ARRAY(Text))),
        ),
    )
    .order_by(certificate_item.c.id)
)
_CANDIDATE_ITEMS = DriverStatement(_ITEMS)
_LOCKED_CANDIDATE_ITEMS = DriverStatement(_ITEMS.with_for_update(of=certificate_item))


async def candidate_items(
    session: AsyncSession,
    business_ids: Collection[str],
    certificate_nos: Collection[str],
    *,
    lock: bool,
) -> list[Record]:
    """Items of the firms' live certificates and of every cited one, in id order: the row id,
    then the columns of ``CertificateItem`` (readable by name too).

    With ``lock`` the item rows are locked (in id order, so batches never deadlock) and the
    balances read are the ones the batch will draw from.
    """
    statement = _LOCKED_CANDIDATE_ITEMS if lock else _CANDIDATE_ITEMS
    return await statement.fetch_all(
        await session_connection(session),
        statuses=[str(status) for status in LIVE],
        firms=list(business_ids),
        numbers=list(certificate_nos),
    )


# Not the decision columns, whose JSON would be decoded for every line only to be overwritten.
_LINES_TO_MATCH = DriverStatement(
    select(declaration_line.c.id, *_record_columns(DeclarationLine, [declaration_line]))
    .where(
        declaration_line.c.batch_id == bindparam("batch_id"),
        declaration_line.c.is_current,
        declaration_line.c.kind != "cancellation",
        declaration_line.c.outcome.is_(None),
    )
    .order_by(declaration_line.c.id)
)


async def lines_to_match(session: AsyncSession, batch_id: int) -> list[Record]:
    """The batch's unsettled current lines in id order: the row id, then the columns of
    ``DeclarationLine``."""
    return await _LINES_TO_MATCH.fetch_all(await session_connection(session), batch_id=batch_id)


async def lock_batch(session: AsyncSession, batch_id: int) -> RowMapping | None:
    statement = (
        select(declaration_batch).where(declaration_batch.c.id == batch_id).with_for_update()
    )
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


_STORE_DECISIONS = """
    UPDATE tax_exemption.declaration_line AS line SET
        outcome = d.outcome,
        refusal_reason = d.refusal_reason,
        matched_item_id = d.matched_item_id,
        matched_quantity = d.matched_quantity,
        explanation = d.explanation::jsonb,
        candidates = d.candidates::jsonb,
        review_status = d.review_status,
        matched_at = now()
    FROM unnest(
        $1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[]::numeric[], $6::text[],
        $7::text[], $8::text[]
    ) AS d(line_id, outcome, refusal_reason, matched_item_id, matched_quantity, explanation,
           candidates, review_status)
    WHERE line.id = d.line_id
"""


DECISIONS_PER_STATEMENT = 5000
"""Lines per UPDATE. The driver encodes a statement's arrays in one step of the event loop,
about 3.5 µs of CPU a line: a 100,000-line batch in one statement held the worker's loop for
a third of a second; in pages, no step takes more than ~20 ms."""


async def store_decisions(session: AsyncSession, columns: DecisionArrays) -> None:
    """Set-based UPDATEs, an array per column, a page of lines each (a statement per line
    cost more than the engine itself)."""
    connection = await session_connection(session)
    for start in range(0, len(columns.line_id), DECISIONS_PER_STATEMENT):
        page = slice(start, start + DECISIONS_PER_STATEMENT)
        await connection.execute(
            _STORE_DECISIONS,
            columns.line_id[page],
            columns.outcome[page],
            columns.refusal_reason[page],
            columns.matched_item_id[page],
            numeric_texts(columns.matched_quantity[page]),
            columns.explanation[page],
            columns.candidates[page],
            columns.review_status[page],
        )


async def finish_batch(session: AsyncSession, batch_id: int, counts: Mapping[str, int]) -> None:
    batch = declaration_batch.c
    await session.execute(
        update(declaration_batch)
        .where(batch.id == batch_id)
        .values(
            status="matched",
            matched_at=func.now(),
            counts=batch.counts.op("||")(bindparam("new_counts", dict(counts), type_=JSONB)),
        )
    )
