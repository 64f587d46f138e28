"""The filing path's writes, each one statement: what lands together, what never lands twice.

Twin submits with one Idempotency-Key file once; a stale ETag or a reused key changes nothing
(and leaves no audit row, stored response or outbox message behind); a registry correction
reaches the outbox with its submit; a firm files its own return by login, never another's;
every write keeps the audit chain verifiable.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.audit import seal_pending, verify_chain
from investment.models import platform_tables, survey_return
from investment.returns.submission import CORRECTION_TOPIC
from investment.settings import InvestmentSettings
from tests.investment.conftest import bearer
from tests.investment.test_filing_api import (
    fixed_answers,
    last_year_filer,
    open_invitation,
    stored,
)

AUDIT, OUTBOX, KEYS = (
    platform_tables.audit_event,
    platform_tables.outbox,
    platform_tables.idempotency_key,
)
RETURNS = survey_return


@dataclass(frozen=True)
class Draft:
    """A return with a sound draft saved, ready to submit."""

    return_id: int
    headers: dict[str, str]  # the filing session's
    etag: str
    answers: dict[str, Any]


async def saved_draft(client: httpx.AsyncClient, engine: AsyncEngine, token: Any) -> Draft:
    factory = await last_year_filer(engine)
    session = await open_invitation(client, token, factory["registration_number"])
    headers = {"Filing-Token": session["filing_token"]}
    url = f"/returns/{factory['id']}"
    opened = await client.get(url, headers=headers)
    answers = fixed_answers(opened.json(), factory["answers"])
    saved = await client.put(
        f"{url}/draft",
        json={"answers": answers},
        headers={**headers, "If-Match": opened.headers["ETag"]},
    )
    assert saved.status_code == 200 and saved.json()["problems"] == [], saved.text
    return Draft(factory["id"], headers, saved.headers["ETag"], answers)


async def count(engine: AsyncEngine, table: Any, *conditions: Any) -> int:
    async with engine.connect() as connection:
        statement = select(func.count()).select_from(table).where(*conditions)
        return int(await connection.scalar(statement) or 0)


async def submits_audited(engine: AsyncEngine, return_id: int) -> int:
    return await count(
        engine, AUDIT, AUDIT.c.action == "return.submit", AUDIT.c.record_id == str(return_id)
    )


async def test_twin_submits_with_one_key_file_once(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    draft = await saved_draft(client, db_engine, token)
    headers = {**draft.headers, "Idempotency-Key": "twin-1", "If-Match": draft.etag}
    url = f"/returns/{draft.return_id}/submit"

    first, second = await asyncio.gather(
        client.post(url, headers=headers), client.post(url, headers=headers)
    )

    assert (first.status_code, second.status_code) == (201, 201), (first.text, second.text)
    assert first.json() == second.json()
    assert {
        first.headers.get("Idempotent-Replayed"),
        second.headers.get("Idempotent-Replayed"),
    } == {
        None,
        "true",
    }
    row = await stored(db_engine, draft.return_id)
    assert (row["submission_count"], row["receipt_number"]) == (1, first.json()["receipt_number"])
    assert await submits_audited(db_engine, draft.return_id) == 1
    assert await count(db_engine, KEYS) == 1


async def test_a_stale_etag_on_submit_changes_nothing_and_spends_no_key(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    draft = await saved_draft(client, db_engine, token)
    url = f"/returns/{draft.return_id}/submit"
    headers = {**draft.headers, "Idempotency-Key": "stale-1"}

    stale = await client.post(url, headers={**headers, "If-Match": f'"r{draft.return_id}-v0"'})

    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert (await stored(db_engine, draft.return_id))["status"] == "draft"
    assert await submits_audited(db_engine, draft.return_id) == 0
    assert await count(db_engine, KEYS) == 0
    current = await client.post(url, headers={**headers, "If-Match": draft.etag})
    assert current.status_code == 201  # the key was not taken by the refused attempt


async def test_a_key_reused_for_other_answers_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    draft = await saved_draft(client, db_engine, token)
    url = f"/returns/{draft.return_id}/submit"
    headers = {**draft.headers, "Idempotency-Key": "reuse-1"}
    first = await client.post(url, json={"answers": draft.answers}, headers=headers)
    assert first.status_code == 201, first.text
    before = await stored(db_engine, draft.return_id)

    other = {**draft.answers, "change_note": "another request under the same key"}
    reused = await client.post(url, json={"answers": other}, headers=headers)

    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"
    assert await stored(db_engine, draft.return_id) == before
    assert await submits_audited(db_engine, draft.return_id) == 1


async def sealed_state(engine: AsyncEngine, return_id: int) -> tuple[Any, bytes]:
    """The stored plain answers and the personal blob, as they are on disk."""
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(RETURNS.c.answers, RETURNS.c.personal).where(RETURNS.c.id == return_id)
            )
        ).one()
    return row.answers, bytes(row.personal)


async def test_a_draft_submitted_as_it_is_is_filed_exactly_as_saved(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    draft = await saved_draft(client, db_engine, token)
    before = await sealed_state(db_engine, draft.return_id)
    url = f"/returns/{draft.return_id}"

    filed = await client.post(f"{url}/submit", headers={**draft.headers, "If-Match": draft.etag})

    assert filed.status_code == 201, filed.text
    assert await sealed_state(db_engine, draft.return_id) == before  # not re-encrypted
    opened = await client.get(url, headers=draft.headers)
    assert opened.json()["answers"]["contact_name"] == draft.answers["contact_name"]
    assert (await stored(db_engine, draft.return_id))["status"] == "submitted"


async def test_answers_sent_with_the_submit_are_the_ones_filed(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    draft = await saved_draft(client, db_engine, token)
    url = f"/returns/{draft.return_id}"
    sent = {**draft.answers, "contact_name": "林小姐", "change_note": "filed with the submit"}

    filed = await client.post(f"{url}/submit", json={"answers": sent}, headers=draft.headers)

    assert filed.status_code == 201, filed.text
    plain, blob = await sealed_state(db_engine, draft.return_id)
    assert plain["change_note"] == "filed with the submit"
    assert "contact_name" not in plain and "林小姐".encode() not in blob  # sealed, not plain
    opened = await client.get(url, headers=draft.headers)
    assert opened.json()["answers"]["contact_name"] == "林小姐"


async def test_a_draft_with_a_number_json_cannot_hold_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    draft = await saved_draft(client, db_engine, token)
    before = await stored(db_engine, draft.return_id)
    body = b'{"answers": {"revenue_total": NaN}}'

    refused = await client.put(
        f"/returns/{draft.return_id}/draft",
        content=body,
        headers={**draft.headers, "If-Match": draft.etag, "Content-Type": "application/json"},
    )

    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    locations = {tuple(error["loc"][:3]) for error in refused.json()["errors"]}
    assert ("body", "answers", "revenue_total") in locations
    assert await stored(db_engine, draft.return_id) == before


async def test_a_registry_correction_reaches_the_outbox_with_its_submit(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    draft = await saved_draft(client, db_engine, token)
    url = f"/returns/{draft.return_id}/submit"
    moved = {**draft.answers, "registry_changed": True, "change_types": ["name"]}

    refused = await client.post(url, json={"answers": moved}, headers=draft.headers)
    assert refused.status_code == 422  # new_factory_name is required for a name change
    assert await count(db_engine, OUTBOX, OUTBOX.c.topic == CORRECTION_TOPIC) == 0

    moved["new_factory_name"] = "新名稱股份有限公司"
    filed = await client.post(url, json={"answers": moved}, headers=draft.headers)

    assert filed.status_code == 201, filed.text
    async with db_engine.connect() as connection:
        payloads = (
            (
                await connection.execute(
                    select(OUTBOX.c.payload).where(OUTBOX.c.topic == CORRECTION_TOPIC)
                )
            )
            .scalars()
            .all()
        )
    assert len(payloads) == 1
    assert payloads[0]["return_id"] == draft.return_id
    assert payloads[0]["change_types"] == ["name"]
    assert payloads[0]["new_factory_name"] == "新名稱股份有限公司"


async def test_a_firm_files_its_own_return_by_login_and_not_another(
    client: httpx.AsyncClient, db_engine: AsyncEngine, token: Any
) -> None:
    factory = await last_year_filer(db_engine)
    async with db_engine.connect() as connection:
        business_id = await connection.scalar(
            text("SELECT business_id FROM investment.survey_return WHERE id = :id"),
            {"id": factory["id"]},
        )
    url = f"/returns/{factory['id']}"
    own = bearer(token("firm", business_id=business_id))
    other = bearer(
        token("firm", business_id="22099131" if business_id != "22099131" else "04595257")
    )

    assert (await client.get(url, headers=other)).status_code == 404
    opened = await client.get(url, headers=own)
    assert opened.status_code == 200, opened.text
    answers = fixed_answers(opened.json(), factory["answers"])
    stolen = await client.put(
        f"{url}/draft",
        json={"answers": answers},
        headers={**other, "If-Match": opened.headers["ETag"]},
    )
    assert stolen.status_code == 404
    assert (await stored(db_engine, factory["id"]))["version"] == 0

    saved = await client.put(
        f"{url}/draft",
        json={"answers": answers},
        headers={**own, "If-Match": opened.headers["ETag"]},
    )
    filed = await client.post(f"{url}/submit", headers={**own, "Idempotency-Key": "firm-1"})
    assert (saved.status_code, filed.status_code) == (200, 201), filed.text
    async with db_engine.connect() as connection:
        role = await connection.scalar(
            select(AUDIT.c.actor_role).where(AUDIT.c.action == "return.submit")
        )
    assert role == "firm"


async def test_every_filing_write_keeps_the_audit_chain_verifiable(
    client: httpx.AsyncClient,
    db_engine: AsyncEngine,
    token: Any,
    settings_overrides: dict[str, Any],
) -> None:
    draft = await saved_draft(client, db_engine, token)
    filed = await client.post(f"/returns/{draft.return_id}/submit", headers=draft.headers)
    assert filed.status_code == 201

    async with db_engine.connect() as connection:
        rows = (
            await connection.execute(
                select(AUDIT.c.action, AUDIT.c.details)
                .where(AUDIT.c.record_id == str(draft.return_id), AUDIT.c.action.like("return.%"))
                .order_by(AUDIT.c.id)
            )
        ).all()
    actions = [action for action, _ in rows]
    assert actions == ["return.read", "return.draft_saved", "return.submit"]
    assert rows[1][1] == {"version": 1, "problems": 0}
    assert rows[2][1] == {"receipt_number": filed.json()["receipt_number"]}
    key = InvestmentSettings(**settings_overrides).audit_hmac_key
    await seal_pending(db_engine, platform_tables, key)
    assert (await verify_chain(db_engine, platform_tables, key)).ok
