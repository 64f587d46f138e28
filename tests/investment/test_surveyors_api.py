"""Surveyors and officers: progress, the explained chase list, flag -> fix -> accept -> review,
bulk reminders through the outbox, and a county export built by the worker's handler."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import Engine, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.jobs import Delivery, OutboxMessage
from common.pii import FieldCipher
from investment.exports.jobs import build_export
from investment.settings import InvestmentSettings
from investment.surveyors.reminders import send_reminder
from tests.investment.conftest import bearer
from tests.investment.test_filing_api import (
    KEELUNG,
    KINMEN,
    fixed_answers,
    last_year_filer,
    open_invitation,
)


@contextmanager
def statements_run() -> Iterator[list[str]]:
    """The SQL text of every statement any engine runs inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


async def file_one(client: httpx.AsyncClient, engine: AsyncEngine, token: Any) -> dict[str, Any]:
    factory = await last_year_filer(engine)
    session = await open_invitation(client, token, factory["registration_number"])
    filing = {"Filing-Token": session["filing_token"]}
    view = (await client.get(f"/returns/{factory['id']}", headers=filing)).json()
    answers = fixed_answers(view, factory["answers"])
    submitted = await client.post(
        f"/returns/{factory['id']}/submit", json={"answers": answers}, headers=filing
    )
    assert submitted.status_code == 201, submitted.text
    return {**factory, "filing": filing, "answers": answers}


async def test_progress_and_the_chase_list_are_per_county_and_explained(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    await file_one(client, db_engine, token)
    surveyor = bearer(token("surveyor", county=KEELUNG))
    progress = (await client.get("/campaigns/2026/progress", headers=surveyor)).json()
    assert [row["county_code"] for row in progress] == [KEELUNG]
    assert progress[0]["filed"] == 1 and progress[0]["returns"] == 255
    assert progress[0]["filed_share"] == round(1 / 255, 4)
    officer = bearer(token("officer", agency="IDA"))
    everywhere = (await client.get("/campaigns/2026/progress", headers=officer)).json()
    assert {row["county_code"] for row in everywhere} == {"09007", "09020", "10016", KEELUNG}

    chase = (
        await client.get("/campaigns/2026/chase-list", params={"limit": 300}, headers=surveyor)
    ).json()
    assert chase["non_filers"] == 254 and chase["county_code"] == KEELUNG
    scores = [item["risk"] for item in chase["items"]]
    assert scores == sorted(scores, reverse=True)
    top = chase["items"][0]
    assert sum(part["points"] for part in top["because"]) == top["risk"]
    assert {part["factor"] for part in top["because"]} == {"size", "lateness", "volatility"}


async def test_flag_fix_accept_and_central_review(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    filed = await file_one(client, db_engine, token)
    return_id = filed["id"]
    surveyor = bearer(token("surveyor", county=KEELUNG))
    other = bearer(token("surveyor", county=KINMEN))
    refused = await client.post(f"/returns/{return_id}/flag", json={"comment": "x"}, headers=other)
    assert refused.status_code == 404
    flagged = await client.post(
        f"/returns/{return_id}/flag", json={"comment": "用電量請再確認"}, headers=surveyor
    )
    assert flagged.json()["status"] == "flagged"

    view = await client.get(f"/returns/{return_id}", headers=filed["filing"])
    assert [c["comment"] for c in view.json()["comments"]] == ["用電量請再確認"]
    again = await client.post(
        f"/returns/{return_id}/submit",
        json={"answers": filed["answers"]},
        headers={**filed["filing"], "If-Match": view.headers["ETag"]},
    )
    assert again.status_code == 201
    assert again.json()["receipt_number"].split("-")[2] == "2"  # second submission

    accepted = await client.post(f"/returns/{return_id}/accept", json={}, headers=surveyor)
    assert accepted.json()["status"] == "accepted"
    not_officer = await client.post(
        f"/returns/{return_id}/review", json={"decision": "approve"}, headers=surveyor
    )
    assert not_officer.status_code == 403
    officer = bearer(token("officer", agency="IDA"))
    reviewed = await client.post(
        f"/returns/{return_id}/review", json={"decision": "approve"}, headers=officer
    )
    assert reviewed.json()["status"] == "reviewed"
    late = await client.post(f"/returns/{return_id}/flag", json={"comment": "x"}, headers=surveyor)
    assert late.status_code == 409


async def build_queued_export(engine: AsyncEngine, settings_overrides: dict[str, Any]) -> None:
    """Run the worker's export handler on the export request queued in the outbox."""
    async with engine.connect() as connection:
        message_id = await connection.scalar(
            text("SELECT id FROM investment.outbox WHERE topic = 'investment.export'")
        )
    settings = InvestmentSettings(**settings_overrides)
    async with AsyncSession(engine) as session, httpx.AsyncClient() as http:
        await build_export(await delivery(engine, settings, message_id, session, http))
        await session.commit()


async def delivery(
    engine: AsyncEngine,
    settings: InvestmentSettings,
    message_id: int,
    session: AsyncSession,
    http: httpx.AsyncClient,
) -> Delivery:
    """The worker's delivery of one outbox message; the caller owns (and closes) ``http``."""
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text("SELECT topic, payload FROM investment.outbox WHERE id = :id"),
                {"id": message_id},
            )
        ).one()
    message = OutboxMessage(
        message_id, "investment", row.topic, row.payload, dt.datetime.now(dt.UTC), 1
    )
    return Delivery(message, session, settings, FieldCipher.from_settings(settings), http)


async def test_reminders_go_through_the_outbox_once_per_non_filer(
    client: httpx.AsyncClient,
    db_engine: AsyncEngine,
    token: Any,
    settings_overrides: dict[str, Any],
) -> None:
    surveyor = bearer(token("surveyor", county="09007"))
    queued = await client.post("/campaigns/2026/reminders", json={}, headers=surveyor)
    assert queued.status_code == 202 and queued.json()["queued"] == 4  # 連江縣 has 4
    async with db_engine.connect() as connection:
        ids = list(
            (
                await connection.execute(
                    text("SELECT id FROM investment.outbox WHERE topic = 'investment.reminder'")
                )
            ).scalars()
        )
    settings = InvestmentSettings(**settings_overrides)
    async with AsyncSession(db_engine) as session, httpx.AsyncClient() as http:
        for message_id in [*ids, ids[0]]:  # a redelivered message records nothing twice
            await send_reminder(await delivery(db_engine, settings, message_id, session, http))
        await session.commit()
    async with db_engine.connect() as connection:
        channels = (await connection.execute(text("SELECT channel FROM investment.reminder"))).all()
    assert len(channels) == 4


async def test_a_county_export_is_built_by_the_worker_and_its_download_audited(
    client: httpx.AsyncClient,
    db_engine: AsyncEngine,
    token: Any,
    settings_overrides: dict[str, Any],
) -> None:
    filed = await file_one(client, db_engine, token)
    surveyor = bearer(token("surveyor", county=KEELUNG))
    requested = await client.post("/campaigns/2026/exports", json={}, headers=surveyor)
    assert requested.status_code == 202 and requested.json()["status"] == "queued"
    export_id = requested.json()["id"]
    early = await client.get(f"/exports/{export_id}/content", headers=surveyor)
    assert early.status_code == 409
    await build_queued_export(db_engine, settings_overrides)
    other = bearer(token("surveyor", county=KINMEN))
    assert (await client.get(f"/exports/{export_id}", headers=other)).status_code == 404
    content = await client.get(f"/exports/{export_id}/content", headers=surveyor)
    assert content.status_code == 200
    lines = content.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 255
    assert filed["answers"]["contact_name"] in content.content.decode("utf-8-sig")
    async with db_engine.connect() as connection:
        reads = await connection.scalar(
            text("SELECT count(*) FROM investment.audit_event WHERE action = 'export.read'")
        )
    assert reads == 1

    # A status poll reads the row's few columns, never its file (tens of MB for a large county).
    with statements_run() as statements:
        status = await client.get(f"/exports/{export_id}", headers=surveyor)
    assert status.status_code == 200 and status.json()["status"] == "done"
    polled = [s for s in statements if "survey_export" in s]
    assert polled and not any("survey_export.content" in s for s in polled), polled
