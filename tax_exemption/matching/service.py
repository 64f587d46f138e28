"""Matching a stored batch: lock the items it may draw on, run the engine, persist it all.

The engine (``domain.matching.match_batch``) is pure; this module reads its inputs under row
locks, runs it in a worker thread, writes its drawdowns through the ledger and its decisions
onto the lines, in one transaction. A batch is matched once: a re-run (a retried job) finds it
done and does nothing.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

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
    # All but the statements is pure CPU, seconds of it for a 100,000-line batch (what the
    # lines reach, their records, the engine, the decision columns): in worker threads, so the
    # worker's loop keeps delivering other jobs meanwhile. The statements stay on the loop, in
    # this session's transaction; the collector stays paused (``collector``) across the thread.
    firms, cited = await asyncio.to_thread(reach, rows)
    item_rows = await repository.candidate_items(session, firms, cited, lock=True)
    decided = await asyncio.to_thread(decide, rows, item_rows)
    if not await ledger.draw_many(session, decided.drawdowns):
        raise LedgerConflict("a stored balance did not cover the batch's drawdowns")
    await repository.store_decisions(session, decided.columns)
    return decided.counts


class Decided(NamedTuple):
    """A batch's engine result as the ledger's drawdowns and the lines' decision columns."""

    drawdowns: ledger.Drawdowns
    columns: records.DecisionArrays
    counts: Counter[str]


def decide(rows: Sequence[Record], item_rows: Sequence[Record]) -> Decided:
    """The engine over the rows of ``lines_to_match`` and ``candidate_items``; no I/O."""
    lines = [records.stored_line(row) for row in rows]
    item_ids = item_id_map(item_rows)
    view = {key: row["balance"] for key, row in zip(item_ids, item_rows, strict=True)}
    result = match_batch(lines, [records.stored_item(row) for row in item_rows], view)
    line_ids = [row[0] for row in rows]
    return Decided(
        drawdowns=_drawdowns(result, item_ids, lines, line_ids),
        columns=records.DecisionColumns(item_ids).of(line_ids, result.decisions),
        counts=Counter(str(decision.outcome) for decision in result.decisions),
    )


async def load_items(
    session: AsyncSession, lines: Sequence[Mapping[Any, Any] | Record], *, lock: bool
) -> list[Record]:
    """The items the lines can reach: their firms' and the certificates they cite."""
    return await repository.candidate_items(session, *reach(lines), lock=lock)


def reach(lines: Sequence[Mapping[Any, Any] | Record]) -> tuple[set[str], set[str]]:
    """The lines' firms and the certificates they cite (normalised)."""
    bans = {str(line["importer_ban"]) for line in lines}
    cited = {certificate_key(str(no)) for line in lines if (no := line["cited_certificate_no"])}
    return bans, cited


def item_id_map(item_rows: Sequence[Record]) -> dict[ItemKey, int]:
    """Engine key -> row id, in the rows' order."""
    return {
        ItemKey(certificate_key(row["certificate_no"]), row["item_no"]): row["id"]
        for row in item_rows
    }


def _drawdowns(
    result: BatchResult,
    item_ids: Mapping[ItemKey, int],
    lines: Sequence[DeclarationLine],
    line_ids: Sequence[int],
) -> ledger.Drawdowns:
    """``line_ids[n]`` is the row of ``lines[n]``, and so of ``result.decisions[n]``."""
    # A LineKey hashes and compares equal to the (DECLNO, ITEMNO) tuple.
    line_id = dict(zip(line_keys(lines), line_ids, strict=True))
    drawdowns = result.drawdowns
    return ledger.Drawdowns(
        item_ids=[item_ids[d.item] for d in drawdowns],
        line_ids=[line_id[d.line] for d in drawdowns],
        quantities=[d.quantity for d in drawdowns],
    )
