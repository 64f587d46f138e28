"""Worker handler of ``trademark_import.finished``: match the run's marks against the watches.

Every import that wrote marks announces itself through the outbox (CLI, job and seed alike).
This handler reads the run's marks in application-number order, ``CHUNK`` at a time, keeping
only those sharing a class or group with some active watch; scores them against those
watches; and inserts the alerts, a mark already alerted on a watch being skipped (a re-import
raises nothing new). A run longer than one chunk (or ``PAIR_BUDGET`` pairs) continues in a
follow-up message committed with the part's alerts, so no handler outlives its timeout and a
crash resumes where it stopped.
The last chunk queues one ``trademark_watch.alerted`` message per watch the run alerted, in the
same transaction as that chunk's alerts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.jobs import Delivery, enqueue
from ip_search.importing.announce import IMPORT_FINISHED_TOPIC
from ip_search.models import platform_tables
from ip_search.search.query import query_keys
from ip_search.watches import alert_repository
from ip_search.watches.matching import Alert, NewMark, WatchIndex, WatchTerms, match, plan
from ip_search.watches.views import score_document

CHUNK = 1000
"""Marks read per handler run."""
PAIR_BUDGET = 50_000
"""(mark, candidate watch) pairs scored per handler run: a few seconds of CPU, far inside the
handler timeout however many watches share the marks' classes."""
WATCH_ALERTED_TOPIC = "trademark_watch.alerted"
"""Payload: ``{"watch_id", "run_id", "alerts"}``: the watch gained alerts from the run."""


def new_mark(row: RowMapping) -> NewMark:
    return NewMark(
        application_no=row["application_no"],
        nice_classes=tuple(row["nice_classes"]),
        groups=tuple(row["groups"]),
        keys=orjson.loads(row["match_keys"]),
    )


def watch_terms(row: RowMapping) -> WatchTerms:
    return WatchTerms(
        id=row["id"],
        keys=query_keys(row["text"]),
        nice_classes=tuple(row["nice_classes"]),
        groups=tuple(row["groups"]),
        threshold=row["threshold"],
    )


def alert_row(alert: Alert, run_id: int) -> dict[str, Any]:
    document = score_document(alert.score)
    return {
        "watch_id": alert.watch_id,
        "application_no": alert.application_no,
        "import_run_id": run_id,
        "score": document["total"],
        "breakdown": document,
    }


async def alert_marks(session: AsyncSession, run_id: int, marks: Sequence[NewMark]) -> int:
    """Score the leading ``marks`` (up to ``PAIR_BUDGET`` pairs) against the active watches
    sharing their classes or groups and store the alerts; return how many marks were done."""
    classes = {c for mark in marks for c in mark.nice_classes}
    groups = {g for mark in marks for g in mark.groups}
    rows = await alert_repository.watches_sharing(session, classes, groups)

    def work() -> tuple[int, list[Alert]]:
        planned = plan(WatchIndex(watch_terms(row) for row in rows), marks, PAIR_BUDGET)
        return len(planned), match(planned)

    # CPU work (analysing watch texts, scoring pairs): off the worker's event loop.
    done, found = await asyncio.to_thread(work)
    await alert_repository.insert_alerts(session, [alert_row(a, run_id) for a in found])
    return done


async def queue_notices(session: AsyncSession, run_id: int) -> None:
    for watch_id, count in await alert_repository.alerted_watches(session, run_id):
        payload = {"watch_id": watch_id, "run_id": run_id, "alerts": count}
        await enqueue(session, platform_tables, WATCH_ALERTED_TOPIC, payload)


async def match_import_run(delivery: Delivery) -> None:
    """Handle the next part of an import run (the outbox handler of ``IMPORT_FINISHED_TOPIC``)."""
    session = delivery.session
    run_id = int(delivery.message.payload["run_id"])
    after = str(delivery.message.payload.get("after", ""))
    watched = await alert_repository.watched_terms(session)
    rows = (
        await alert_repository.run_marks(session, run_id, after=after, limit=CHUNK, watched=watched)
        if any(watched)
        else ()  # no active watch: nothing to read (a bulk load may hold millions of marks)
    )
    marks = [new_mark(row) for row in rows]
    done = await alert_marks(session, run_id, marks) if marks else 0
    if done < len(marks) or len(marks) == CHUNK:
        payload = {"run_id": run_id, "after": marks[done - 1].application_no}
        await enqueue(session, platform_tables, IMPORT_FINISHED_TOPIC, payload)
    else:
        await queue_notices(session, run_id)
