"""The audit stream for the SOC: one JSON line per event, emitted once its row has committed.

A line for a transaction that rolled back would report an event that never happened, so lines
wait in the session until ``after_commit`` (or go out at once on an AUTOCOMMIT session, where
the INSERT itself was the commit). Lines go to the SOC stream
(``common.observability.soc_stream``), which the service's log level does not silence.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from common.observability.soc_stream import SOC_STREAM

LOGGER_NAME = "moea.audit"
_PENDING = "moea.audit.pending_lines"


def emit(line: dict[str, Any]) -> None:
    SOC_STREAM.emit(LOGGER_NAME, "audit", line)


def emit_after_commit(session: AsyncSession, line: dict[str, Any]) -> None:
    if _autocommits(session):
        emit(line)
        return
    session.sync_session.info.setdefault(_PENDING, []).append(line)


def _autocommits(session: AsyncSession) -> bool:
    bind = session.bind
    options = bind.get_execution_options() if isinstance(bind, AsyncEngine) else {}
    return options.get("isolation_level") == "AUTOCOMMIT"


def _flush(sync_session: Session) -> None:
    pending: list[dict[str, Any]] = sync_session.info.get(_PENDING, [])
    for line in pending:
        emit(line)
    pending.clear()


def _discard(sync_session: Session) -> None:
    sync_session.info.get(_PENDING, []).clear()


# Listened once for every session: registering listeners on each session instance cost more
# per request than the audit INSERT's own Python work. Sessions with no lines pending do nothing.
event.listen(Session, "after_commit", _flush)
event.listen(Session, "after_rollback", _discard)
