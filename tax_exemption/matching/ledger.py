"""The balance ledger in PostgreSQL: drawdowns and reversals of certificate items.

Every change of a balance is one conditional UPDATE (``balance >= x`` for a drawdown), so no
interleaving of transactions can overdraw an item, and a ledger entry in the same transaction,
so ``approved_quantity - balance`` always equals the sum of the item's ledger entries. Several
items are touched in ascending id order, which keeps concurrent writers free of deadlocks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

import asyncpg
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.driver import command_row_count, session_connection
from tax_exemption.matching.records import numeric_texts
from tax_exemption.models import certificate_item, ledger_entry

DRAWDOWN = "drawdown"
REVERSAL = "reversal"


class Draw(NamedTuple):
    item_id: int
    line_id: int | None
    quantity: Decimal


async def draw(session: AsyncSession, entry: Draw) -> Decimal | None:
    """Take ``entry.quantity`` from the item; the balance left, or None if it does not cover it."""
    left = await draw_total(session, entry.item_id, entry.quantity)
    if left is not None:
        await _entries(session, [entry], DRAWDOWN)
    return left


class Drawdowns(NamedTuple):
    """A batch's drawdowns as columns: entry n takes ``quantities[n]`` from item
    ``item_ids[n]`` for line ``line_ids[n]``; one entry per matched line, in the order taken."""

    item_ids: list[int]
    line_ids: list[int | None]
    quantities: list[Decimal]


ENTRIES_PER_STATEMENT = 5000
"""Ledger entries per INSERT. The driver encodes a statement's arrays in one step of the event
loop: a 100,000-line batch's entries in one statement held the worker's loop for a quarter of a
second; in pages, each step takes a few milliseconds."""

# Each item is drawn by its batch total in one statement: its row count says whether every item
# covered its total.
_DRAW_TOTALS = """
    UPDATE tax_exemption.certificate_item AS item SET balance = item.balance - d.quantity
    FROM unnest($1::bigint[], $2::text[]::numeric[]) AS d(id, quantity)
    WHERE item.id = d.id AND item.balance >= d.quantity
"""


class PreparedDraws(NamedTuple):
    """A batch's drawdowns as the statements take them: each drawn item once with its total,
    and every entry's quantity, all as numeric text."""

    item_ids: list[int]
    totals: list[str | None]
    quantities: list[str | None]


def prepared_draws(drawdowns: Drawdowns) -> PreparedDraws:
    """Item totals and texts of a batch's drawdowns: CPU work in proportion to the batch."""
    totals: dict[int, Decimal] = {}
    for item_id, quantity in zip(drawdowns.item_ids, drawdowns.quantities, strict=True):
        total = totals.get(item_id)
        totals[item_id] = quantity if total is None else total + quantity
    return PreparedDraws(
        item_ids=list(totals),
        totals=numeric_texts(totals.values()),
        quantities=numeric_texts(drawdowns.quantities),
    )


async def draw_many(session: AsyncSession, drawdowns: Drawdowns) -> bool:
    """All drawdowns of a batch, each item by its total in one UPDATE, then their entries;
    False when some item's balance does not cover its total (the caller rolls back). The
    caller holds the items' row locks, taken in id order (``matching.repository
    .candidate_items``)."""
    if not drawdowns.item_ids:
        return True
    prepared = await asyncio.to_thread(prepared_draws, drawdowns)
    connection = await session_connection(session)
    status = await connection.execute(_DRAW_TOTALS, prepared.item_ids, prepared.totals)
    if command_row_count(status) != len(prepared.item_ids):
        return False
    for start in range(0, len(prepared.quantities), ENTRIES_PER_STATEMENT):
        page = slice(start, start + ENTRIES_PER_STATEMENT)
        await _insert_entries(
            connection,
            DRAWDOWN,
            drawdowns.item_ids[page],
            drawdowns.line_ids[page],
            prepared.quantities[page],
        )
    return True


async def draw_total(session: AsyncSession, item_id: int, quantity: Decimal) -> Decimal | None:
    item = certificate_item.c
    statement = (
        update(certificate_item)
        .where(item.id == item_id, item.balance >= quantity)
        .values(balance=item.balance - quantity)
        .returning(item.balance)
    )
    left: Decimal | None = (await session.execute(statement)).scalar_one_or_none()
    return left


async def reverse_lines(session: AsyncSession, line_ids: Sequence[int]) -> list[Draw]:
    """Give back what the lines drew (net of earlier reversals); returns the reversals made."""
    if not line_ids:
        return []
    entry = ledger_entry.c
    statement = (
        select(entry.certificate_item_id, entry.declaration_line_id, func.sum(entry.quantity))
        .where(entry.declaration_line_id.in_(line_ids))
        .group_by(entry.certificate_item_id, entry.declaration_line_id)
        .having(func.sum(entry.quantity) > 0)
        .order_by(entry.certificate_item_id)
    )
    drawn = [Draw(row[0], row[1], row[2]) for row in await session.execute(statement)]
    for draw_entry in drawn:
        item = certificate_item.c
        await session.execute(
            update(certificate_item)
            .where(item.id == draw_entry.item_id)
            .values(balance=item.balance + draw_entry.quantity)
        )
    reversals = [Draw(d.item_id, d.line_id, -d.quantity) for d in drawn]
    await _entries(session, reversals, REVERSAL)
    return reversals


_INSERT_ENTRIES = """
    INSERT INTO tax_exemption.ledger_entry
        (certificate_item_id, declaration_line_id, quantity, kind)
    SELECT d.item_id, d.line_id, d.quantity, $1::text
    FROM unnest($2::bigint[], $3::bigint[], $4::text[]::numeric[]) WITH ORDINALITY
        AS d(item_id, line_id, quantity, n)
    ORDER BY d.n
"""


async def _entries(session: AsyncSession, entries: Sequence[Draw], kind: str) -> None:
    if entries:
        item_ids, line_ids, quantities = zip(*entries, strict=True)
        connection = await session_connection(session)
        texts = numeric_texts(quantities)
        await _insert_entries(connection, kind, list(item_ids), list(line_ids), texts)


async def _insert_entries(
    connection: asyncpg.Connection,
    kind: str,
    item_ids: Sequence[int],
    line_ids: Sequence[int | None],
    quantities: Sequence[str | None],
) -> None:
    """All entries in one statement, in the given order (a batch writes one per matched line:
    an INSERT per row, or per page of rows, cost more than matching the batch)."""
    await connection.execute(_INSERT_ENTRIES, kind, item_ids, line_ids, quantities)
