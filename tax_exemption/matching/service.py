"""Matching a stored batch: lock the items it may draw on, run the engine, persist it all.

The engine (``domain.matching.match_batch``) is pure; this module reads its inputs under row
locks, writes its drawdowns through the ledger and its decisions onto the lines, in one
transaction. A batch is matched once: a re-run (a retried job) finds it done and does nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from asyncpg import Record
from sqlalchemy.ext.asyncio import AsyncSession

from tax_exemption.domain.matching import BatchResult, DeclarationLine, ItemKey, match_batch
from tax_exemption.domain.matching.normalise import certificate_key
from tax_exemption.domain.matching.records import line_keys
from tax_exemption.matching import ledger, records, repository
from tax_exemption.matching.collector import collector_paused

BATCH_RECEIVED_TOPIC = "declarations.batch_received"


class LedgerConflict(RuntimeError):
    """A drawdown the engine allowed did not fit the stored balance: retry the whole batch."""


async def match_stored_batch(session: AsyncSession, batch_id: int) -> Counter[str]:
    """Match the batch's unsettled current lines; returns the count of each outcome."""
    batch = await repository.lock_batch(session, batch_id)
    if batch is None or batch["status"] == "matched":
        return Counter()
    counts: Counter[str] = Counter()
    with collector_paused():
        rows = await repository.lines_to_match(session, batch_id)
        if rows:
            counts = await _match_rows(session, rows)
    await repository.finish_batch(session, batch_id, counts)
    return counts


async def _match_rows(session: AsyncSession, rows: Sequence[Record]) -> Counter[str]:
    lines = [records.stored_line(row) for row in rows]
    item_rows = await load_items(session, rows, lock=True)
    item_ids = item_id_map(item_rows)
    view = {key: row["balance"] for key, row in zip(item_ids, item_rows, strict=True)}
    result = match_batch(lines, [records.stored_item(row) for row in item_rows], view)
    await _persist(session, result, item_ids, lines, [row[0] for row in rows])
    return Counter(str(decision.outcome) for decision in result.decisions)


async def load_items(
    session: AsyncSession, lines: Sequence[Mapping[Any, Any] | Record], *, lock: bool
) -> list[Record]:
    """The items the lines can reach: their firms' and the certificates they cite."""
    bans = {str(line["importer_ban"]) for line in lines}
    cited = {certificate_key(str(no)) for line in lines if (no := line["cited_certificate_no"])}
    return await repository.candidate_items(session, bans, cited, lock=lock)


def item_id_map(item_rows: Sequence[Record]) -> dict[ItemKey, int]:
    """Engine key -> row id, in the rows' order."""
    return {
        ItemKey(certificate_key(row["certificate_no"]), row["item_no"]): row["id"]
        for row in item_rows
    }


async def _persist(
    session: AsyncSession,
    result: BatchResult,
    item_ids: Mapping[ItemKey, int],
    lines: Sequence[DeclarationLine],
    line_ids: Sequence[int],
) -> None:
    """``line_ids[n]`` is the row of ``lines[n]``, and so of ``result.decisions[n]``."""
    # A LineKey hashes and compares equal to the (DECLNO, ITEMNO) tuple.
    line_id = dict(zip(line_keys(lines), line_ids, strict=True))
    drawdowns = result.drawdowns
    draws = ledger.Drawdowns(
        item_ids=[item_ids[d.item] for d in drawdowns],
        line_ids=[line_id[d.line] for d in drawdowns],
        quantities=[d.quantity for d in drawdowns],
    )
    if not await ledger.draw_many(session, draws):
        raise LedgerConflict("a stored balance did not cover the batch's drawdowns")
    columns = records.DecisionColumns(item_ids).of(line_ids, result.decisions)
    await repository.store_decisions(session, columns)
