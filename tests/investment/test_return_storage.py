"""Filing a return updates its row in place: PostgreSQL's HOT update writes no index entry.

A save, a submit and a surveyor's decision change the status, the receipt, the answers and the
version; no index of ``survey_return`` covers any of them, and each page keeps room for a new
version of its rows (fillfactor), so every such UPDATE is HOT. An index on one of those columns,
or full pages, would make each one write a new entry in every index of the table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

# What the filing path and the review write, one statement per step of a return's season.
STEPS = [
    "UPDATE investment.survey_return SET status = 'draft', version = version + 1, "
    "answers = answers || '{\"employees_total\": 12}', problem_count = 2, updated_at = now() "
    "WHERE id = :id",
    "UPDATE investment.survey_return SET version = version + 1, updated_at = now(), "
    "answers = answers || '{\"employees_total\": 13}', problem_count = 0 WHERE id = :id",
    "UPDATE investment.survey_return SET status = 'submitted', version = version + 1, "
    "receipt_number = '2026-' || lpad(id::text, 7, '0') || '-1-X', "
    "submission_count = submission_count + 1, submitted_at = now(), "
    "first_submitted_at = coalesce(first_submitted_at, now()), updated_at = now() WHERE id = :id",
    "UPDATE investment.survey_return SET status = 'accepted', version = version + 1, "
    "updated_at = now() WHERE id = :id",
]
XACT_UPDATES = text(
    "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
    "WHERE relid = 'investment.survey_return'::regclass"
)


async def test_each_step_of_a_return_is_a_hot_update(
    db_engine: AsyncEngine, seeded: dict[str, Any]
) -> None:
    async with db_engine.connect() as connection:
        return_id = await connection.scalar(
            text(
                "SELECT min(id) FROM investment.survey_return "
                "WHERE survey_year = 2026 AND status = 'not_started'"
            )
        )
        # Counts this backend has not reported yet: earlier transactions' too, so compare.
        before = (await connection.execute(XACT_UPDATES)).one()
        for step in STEPS:
            updated = await connection.execute(text(step), {"id": return_id})
            assert updated.rowcount == 1
        after = (await connection.execute(XACT_UPDATES)).one()
        await connection.rollback()
    updates, hot_updates = after[0] - before[0], after[1] - before[1]
    assert (updates, hot_updates) == (len(STEPS), len(STEPS))


async def test_survey_return_pages_keep_room_for_updates(db_engine: AsyncEngine) -> None:
    async with db_engine.connect() as connection:
        options = await connection.scalar(
            text("SELECT reloptions FROM pg_class WHERE oid = 'investment.survey_return'::regclass")
        )
    fillfactor = dict(option.split("=") for option in options or [])["fillfactor"]
    assert 70 <= int(fillfactor) < 100
