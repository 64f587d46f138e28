"""Queries of watch matching: the marks an import wrote, the watches they may concern, alerts."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import RowMapping, Text, cast, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ip_search.models import trademark, trademark_watch, trademark_watch_alert

watch = trademark_watch
alert = trademark_watch_alert


async def watched_terms(session: AsyncSession) -> tuple[list[int], list[str]]:
    """Every Nice class and every similar group some active watch names (a few dozen values)."""
    classes = select(func.unnest(watch.c.nice_classes)).where(watch.c.active).distinct()
    groups = select(func.unnest(watch.c.groups)).where(watch.c.active).distinct()
    found_classes = (await session.scalars(classes)).all()
    found_groups = (await session.scalars(groups)).all()
    return sorted(int(c) for c in found_classes), sorted(str(g) for g in found_groups)


async def run_marks(
    session: AsyncSession,
    run_id: int,
    *,
    after: str,
    limit: int,
    watched: tuple[list[int], list[str]],
) -> Sequence[RowMapping]:
    """The next marks of import run ``run_id`` sharing a class or group with the ``watched``.

    Ordered by application number, so ``after`` (the last number handled) resumes the run.
    """
    classes, groups = watched
    statement = (
        select(
            trademark.c.application_no,
            trademark.c.nice_classes,
            trademark.c.groups,
            cast(trademark.c.match_keys, Text).label("match_keys"),  # orjson decodes it faster
        )
        .where(
            trademark.c.import_run_id == run_id,
            trademark.c.application_no > after,
            or_(trademark.c.nice_classes.overlap(classes), trademark.c.groups.overlap(groups)),
        )
        .order_by(trademark.c.application_no)
        .limit(limit)
    )
    return (await session.execute(statement)).mappings().all()


async def watches_sharing(
    session: AsyncSession, nice_classes: Collection[int], groups: Collection[str]
) -> Sequence[RowMapping]:
    """Active watches sharing any of ``nice_classes`` or ``groups`` (GIN index lookups)."""
    statement = select(
        watch.c.id, watch.c.text, watch.c.nice_classes, watch.c.groups, watch.c.threshold
    ).where(
        watch.c.active,
        or_(
            watch.c.nice_classes.overlap(sorted(nice_classes)),
            watch.c.groups.overlap(sorted(groups)),
        ),
    )
    return (await session.execute(statement)).mappings().all()


async def insert_alerts(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert alerts; one a watch already has for the mark is kept as it is (re-imports)."""
    if rows:
        statement = insert(alert).on_conflict_do_nothing(
            index_elements=[alert.c.watch_id, alert.c.application_no]
        )
        await session.execute(statement, [dict(row) for row in rows])


async def alerted_watches(session: AsyncSession, run_id: int) -> list[tuple[int, int]]:
    """(watch id, number of alerts) of every watch that import run ``run_id`` alerted."""
    statement = (
        select(alert.c.watch_id, func.count())
        .where(alert.c.import_run_id == run_id)
        .group_by(alert.c.watch_id)
        .order_by(alert.c.watch_id)
    )
    return [(int(w), int(n)) for w, n in (await session.execute(statement)).all()]


async def notice_watch(session: AsyncSession, watch_id: int) -> RowMapping | None:
    statement = select(
        watch.c.id, watch.c.name, watch.c.text, watch.c.webhook_url, watch.c.webhook_secret_enc
    ).where(watch.c.id == watch_id)
    row: RowMapping | None = (await session.execute(statement)).mappings().first()
    return row


async def run_alerts(
    session: AsyncSession, watch_id: int, run_id: int, limit: int
) -> list[RowMapping]:
    """The best ``limit`` alerts import run ``run_id`` raised on the watch, with mark names."""
    statement = (
        select(alert.c.id, alert.c.application_no, alert.c.score, trademark.c.name)
        .outerjoin(trademark, trademark.c.application_no == alert.c.application_no)
        .where(alert.c.watch_id == watch_id, alert.c.import_run_id == run_id)
        .order_by(alert.c.score.desc(), alert.c.application_no)
        .limit(limit)
    )
    return list((await session.execute(statement)).mappings())
