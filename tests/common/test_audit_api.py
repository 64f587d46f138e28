"""``GET /audit/trail/{record_type}/{record_id}``: officers only, one record, newest first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.audit import AuditEvent, AuditTrail, seal_pending, verify_chain
from common.audit.mac import audit_key
from services.registry import SERVICES

MANIFEST = SERVICES["inspection"]
AUDIT = '"inspection".audit_event'
TRAIL = "/audit/trail/filing/F-1"
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


async def seed(engine: AsyncEngine) -> None:
    """Three events on filing F-1, one on F-2, at increasing times."""
    trail = AuditTrail(MANIFEST.tables.audit_event, audit_key(MANIFEST.settings().audit_hmac_key))
    records = [
        ("F-1", "filing.create"),
        ("F-2", "filing.create"),
        ("F-1", "filing.submit"),
        ("F-1", "filing.approve"),
    ]
    async with AsyncSession(engine) as session:
        for minute, (record_id, action) in enumerate(records):
            await trail.record(
                session,
                AuditEvent(
                    actor="firm-04595257",
                    actor_role="firm",
                    action=action,
                    record_type="filing",
                    record_id=record_id,
                    occurred_at=START + timedelta(minutes=minute),
                ),
            )
        await session.commit()


def unscoped(client: Any) -> Any:
    """The service's app without its trail owner: these tests are about the endpoint itself
    (each service's scope is tested beside it, e.g. tests/inspection/test_audit_trail_scope.py)."""
    client.app.state.trail_owner = None
    return client


async def trail_reads(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                f"SELECT actor, actor_role, record_id, client_ip FROM {AUDIT} "
                "WHERE action = 'audit.trail.read' ORDER BY id"
            )
        )
        return [tuple(row) for row in rows]


async def test_trail_requires_a_token(
    service_client_factory: Callable[..., Any], db_engine: AsyncEngine
) -> None:
    async with unscoped(service_client_factory(MANIFEST)) as client:
        await seed(db_engine)
        response = await client.get(TRAIL)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert await trail_reads(db_engine) == []


@pytest.mark.parametrize(
    "claims", [{"role": "firm", "business_id": "04595257"}, {"role": "surveyor", "county": "63000"}]
)
async def test_trail_refuses_a_firm_and_a_surveyor_no_county_scope_admits(
    claims: dict[str, str],
    service_client_factory: Callable[..., Any],
    db_engine: AsyncEngine,
    token: Any,
) -> None:
    async with unscoped(service_client_factory(MANIFEST)) as client:
        await seed(db_engine)
        bearer = token(**claims)
        response = await client.get(TRAIL, headers={"Authorization": f"Bearer {bearer}"})
    assert response.status_code == 403
    assert response.json()["status"] == 403
    assert await trail_reads(db_engine) == []


async def test_officer_reads_one_records_trail_newest_first_and_is_audited(
    service_client_factory: Callable[..., Any], db_engine: AsyncEngine, token: Any
) -> None:
    headers = {"Authorization": f"Bearer {token('officer', agency='IDA', subject='officer-1')}"}
    async with unscoped(service_client_factory(MANIFEST)) as client:
        await seed(db_engine)
        first = await client.get(TRAIL, params={"limit": 2}, headers=headers)
        cursor = first.json()["next_cursor"]
        second = await client.get(TRAIL, params={"limit": 2, "cursor": cursor}, headers=headers)
    assert first.status_code == 200 and second.status_code == 200
    items = first.json()["items"] + second.json()["items"]
    assert [item["action"] for item in items] == [
        "filing.approve",
        "filing.submit",
        "filing.create",
    ]
    assert {item["record_id"] for item in items} == {"F-1"}
    assert second.json()["next_cursor"] is None
    assert not any("row_mac" in item or "chain_mac" in item for item in items)
    assert await trail_reads(db_engine) == [("officer-1", "officer", "F-1", "198.51.100.7")] * 2


async def test_a_bad_cursor_is_a_problem_and_writes_nothing(
    service_client_factory: Callable[..., Any], db_engine: AsyncEngine, token: Any
) -> None:
    headers = {"Authorization": f"Bearer {token('admin')}"}
    async with unscoped(service_client_factory(MANIFEST)) as client:
        await seed(db_engine)
        response = await client.get(TRAIL, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert await trail_reads(db_engine) == []


@pytest.mark.parametrize("role", ["officer", "admin"])
async def test_the_trail_read_lands_in_the_verified_chain(
    role: str, service_client_factory: Callable[..., Any], db_engine: AsyncEngine, token: Any
) -> None:
    claims = {"agency": "IDA"} if role == "officer" else {}
    headers = {"Authorization": f"Bearer {token(role, **claims)}"}
    async with unscoped(service_client_factory(MANIFEST)) as client:
        await seed(db_engine)
        response = await client.get(TRAIL, headers=headers, params={"limit": 1})
    assert response.status_code == 200
    key = MANIFEST.settings().audit_hmac_key
    await seal_pending(db_engine, MANIFEST.tables, key)
    result = await verify_chain(db_engine, MANIFEST.tables, key)
    assert result.ok and result.checked == 5
