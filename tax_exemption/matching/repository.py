"""Queries of matching: the certificate items a batch may draw on, and the batch's lines."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import RowMapping, bindparam, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from tax_exemption.domain.workflow import CertificateStatus
from tax_exemption.models import certificate, certificate_item, declaration_batch, declaration_line

LIVE = (CertificateStatus.ACTIVE, CertificateStatus.AMENDED)


async def candidate_items(
    session: AsyncSession,
    business_ids: Collection[str],
    certificate_nos: Collection[str],
    *,
    lock: bool,
) -> list[RowMapping]:
    """Items of the firms' live certificates and of every cited one, in id order.

    With ``lock`` the item rows are locked (in id order, so batches never deadlock) and the
    balances read are the ones the batch will draw from.
    """
    statement = (
        select(
            certificate_item,
            certificate.c.certificate_no,
            certificate.c.business_id,
            certificate.c.valid_from,
            certificate.c.valid_until,
            certificate.c.ten_digit_rule,
        )
        .join(certificate, certificate.c.id == certificate_item.c.certificate_id)
        .where(
            certificate.c.status.in_(LIVE),
            or_(
                certificate.c.business_id.in_(list(business_ids)),
                certificate.c.certificate_no.in_(list(certificate_nos)),
            ),
        )
        .order_by(certificate_item.c.id)
    )
    if lock:
        statement = statement.with_for_update(of=certificate_item)
    return list((await session.execute(statement)).mappings())


# What the engine reads of a line (``records.declaration_line``) and its row id: not the
# decision columns, whose JSON would be decoded for every line only to be overwritten.
_LINE_INPUT = (
    "id",
    "declaration_no",
    "item_no",
    "importer_ban",
    "ccc_code",
    "description",
    "goods_model",
    "goods_spec",
    "quantity",
    "doc_unit",
    "stat_quantity",
    "stat_unit",
    "origin_country",
    "cited_certificate_no",
    "cited_item_no",
    "declaration_date",
)


async def lines_to_match(session: AsyncSession, batch_id: int) -> list[RowMapping]:
    line = declaration_line.c
    statement = (
        select(*(line[name] for name in _LINE_INPUT))
        .where(
            line.batch_id == batch_id,
            line.is_current,
            line.kind != "cancellation",
            line.outcome.is_(None),
        )
        .order_by(line.id)
    )
    return list((await session.execute(statement)).mappings())


async def lock_batch(session: AsyncSession, batch_id: int) -> RowMapping | None:
    statement = (
        select(declaration_batch).where(declaration_batch.c.id == batch_id).with_for_update()
    )
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


_STORE_DECISIONS = text(
    """
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
        CAST(:line_id AS bigint[]), CAST(:outcome AS text[]), CAST(:refusal_reason AS text[]),
        CAST(:matched_item_id AS bigint[]), CAST(:matched_quantity AS numeric[]),
        CAST(:explanation AS text[]), CAST(:candidates AS text[]), CAST(:review_status AS text[])
    ) AS d(line_id, outcome, refusal_reason, matched_item_id, matched_quantity, explanation,
           candidates, review_status)
    WHERE line.id = d.line_id
    """
)
_DECISION_COLUMNS = (
    "line_id",
    "outcome",
    "refusal_reason",
    "matched_item_id",
    "matched_quantity",
    "explanation",
    "candidates",
    "review_status",
)


async def store_decisions(session: AsyncSession, values: Sequence[Mapping[str, Any]]) -> None:
    """One set-based UPDATE for the whole batch: each mapping carries ``line_id`` and the
    decision's columns, the JSON ones as text (``records.DecisionColumns``); a statement per
    line cost more than the engine itself."""
    if not values:
        return
    columns = {name: [row[name] for row in values] for name in _DECISION_COLUMNS}
    await session.execute(_STORE_DECISIONS, columns)


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
