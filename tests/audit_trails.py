"""Checks shared by the services' audit-trail scope tests: a trail outside the reader's scope
must look exactly like the trail of a record that does not exist, and reading it logs nothing."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

PROBLEM = "application/problem+json"


async def trail_reads(engine: AsyncEngine, schema: str) -> list[tuple[str, str]]:
    """(actor, record type) of every logged trail read in ``schema``, oldest first."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                f"SELECT actor, record_type FROM {schema}.audit_event "
                "WHERE action = 'audit.trail.read' ORDER BY id"
            )
        )
        return [(row.actor, row.record_type) for row in rows]


def _unrevealing(problem: dict[str, Any]) -> dict[str, Any]:
    """The problem without ``instance`` (the request path, which the caller wrote himself)."""
    return {key: value for key, value in problem.items() if key != "instance"}


async def assert_trail_hidden(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    record_type: str,
    record_id: str,
    absent_id: str,
) -> None:
    """The trail of ``record_id`` answers ``headers``' caller as that of ``absent_id``, a record
    of the same type that does not exist: a 404 problem, identical but for its path."""
    stolen = await client.get(f"/audit/trail/{record_type}/{record_id}", headers=headers)
    absent = await client.get(f"/audit/trail/{record_type}/{absent_id}", headers=headers)
    assert stolen.status_code == 404, (record_type, stolen.text)
    assert stolen.headers["content-type"] == PROBLEM
    assert _unrevealing(stolen.json()) == _unrevealing(absent.json()), record_type
