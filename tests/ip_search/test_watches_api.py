"""Trademark watches end to end: a firm watches 「生華」 in class 5, an import brings 「東生華」,
the worker raises one alert with the similar search's explained score and one outbox notice
(a signed webhook); a re-import raises nothing new; other firms see nothing of the watch."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

import ip_search.watches.alerting
from common.jobs.runtime import RUNTIMES_KEY, ServiceRuntime
from ip_search.app import MANIFEST, ip_search_command
from ip_search.importing.jobs import import_trademark_files
from ip_search.importing.runner import import_file
from ip_search.models import platform_tables, trademark_watch, trademark_watch_alert
from tests.ip_search.worker import run_worker_until_quiet

SECRET = "watch-secret-of-firm-a"
HOOK = "https://hooks.firm-a.example/trademarks"
WATCH = {
    "name": "our mark 生華",
    "text": "生華",
    "nice_classes": [5],
    "threshold": 0.6,
    "webhook": {"url": HOOK, "secret": SECRET},
}
WATCH_LIMIT = 3
# (application number, name, class code, similar group)
EAST = ("113000001", "東生華", "005", "0501")
SAME_NAME_OTHER_CLASS = ("113000002", "生華", "009", "0901")
UNRELATED = ("113000003", "大同", "005", "0501")
ALERTED_TOPIC = "trademark_watch.alerted"


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={})


def marks_file(folder: Path, marks: list[tuple[str, str, str, str]], name: str = "tm.xml") -> Path:
    records = "".join(
        f"<tmarkcontent><appl-no>{number}</appl-no><appl-date>2024/05/01</appl-date>"
        f"<tmark-name>{mark}</tmark-name><tmark-class>1</tmark-class><goodsclasses><goodsclass>"
        f"<goodsclass-code>{code}</goodsclass-code><goods-name>商品。</goods-name>"
        f"<goods-group>{group}</goods-group></goodsclass></goodsclasses></tmarkcontent>"
        for number, mark, code, group in marks
    )
    path = folder / name
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?><tmarkappl>{records}</tmarkappl>')
    return path


@pytest.fixture
async def client(service_client_factory: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(MANIFEST, watches_per_firm=WATCH_LIMIT) as http:
        yield http


@pytest.fixture
def firm_a(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('firm', business_id='04595257')}"}


@pytest.fixture
def firm_b(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('firm', business_id='22099131')}"}


@pytest.fixture
def match_and_notify(
    db_engine: AsyncEngine, redis_url: str, settings_overrides: dict[str, Any]
) -> Callable[[Recorder], Any]:
    async def run(hook: Recorder) -> None:
        await run_worker_until_quiet(
            db_engine, redis_url, settings_overrides, httpx.MockTransport(hook)
        )

    return run


async def create_watch(
    client: httpx.AsyncClient, headers: dict[str, str], **changes: Any
) -> dict[str, Any]:
    response = await client.post("/watches", json={**WATCH, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def count(engine: AsyncEngine, statement: Any) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(statement) or 0)


async def watch_count(engine: AsyncEngine) -> int:
    return await count(engine, select(func.count()).select_from(trademark_watch))


async def alerted_messages(engine: AsyncEngine) -> list[tuple[int, dict[str, Any]]]:
    outbox = platform_tables.outbox
    statement = (
        select(outbox.c.id, outbox.c.payload)
        .where(outbox.c.topic == ALERTED_TOPIC)
        .order_by(outbox.c.id)
    )
    async with engine.connect() as connection:
        return [(row.id, row.payload) for row in await connection.execute(statement)]


async def unfinished_messages(engine: AsyncEngine) -> int:
    outbox = platform_tables.outbox
    statement = select(func.count()).where(
        (outbox.c.completed_at.is_(None)) | (outbox.c.failed_at.is_not(None))
    )
    return await count(engine, statement)


def assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == status


def without_instance(response: httpx.Response) -> dict[str, Any]:
    return {k: v for k, v in response.json().items() if k != "instance"}


def verify_signature(request: httpx.Request) -> None:
    expected = hmac.new(
        SECRET.encode(),
        request.headers["x-moea-timestamp"].encode() + b"." + request.content,
        hashlib.sha256,
    ).hexdigest()
    assert request.headers["x-moea-signature"] == f"sha256={expected}"


async def test_an_import_alerts_a_watch_once_with_the_explained_score(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    db_engine: AsyncEngine,
    match_and_notify: Callable[[Recorder], Any],
    tmp_path: Path,
) -> None:
    watch = await create_watch(client, firm_a)
    path = marks_file(tmp_path, [EAST, SAME_NAME_OTHER_CLASS, UNRELATED])
    hook = Recorder()

    first = await import_file(db_engine, path)
    await match_and_notify(hook)

    page = (await client.get(f"/watches/{watch['id']}/alerts", headers=firm_a)).json()
    [alert] = page["items"]
    assert (alert["application_no"], alert["name"], alert["import_run_id"]) == (
        "113000001",
        "東生華",
        first.run_id,
    )
    score = alert["score"]
    dimensions = {d["dimension"]: d for d in score["breakdown"]}
    assert score["total"] >= WATCH["threshold"]
    assert sum(d["contribution"] for d in dimensions.values()) == pytest.approx(
        score["total"], 1e-3
    )
    assert dimensions["words"]["matched"] and "contained" in dimensions["words"]["evidence"]
    assert dimensions["classes"]["evidence"] == "shared Nice classes [5]"
    [(message_id, payload)] = await alerted_messages(db_engine)
    assert payload == {"watch_id": watch["id"], "run_id": first.run_id, "alerts": 1}
    [post] = hook.requests
    assert str(post.url) == HOOK
    verify_signature(post)
    assert post.headers["x-moea-delivery"] == str(message_id)
    sent = json.loads(post.content)
    assert [a["application_no"] for a in sent["alerts"]] == ["113000001"]
    assert (sent["alert_count"], sent["watch"]["text"]) == (1, "生華")
    assert (await client.get(f"/watches/{watch['id']}", headers=firm_a)).json()[
        "unread_alerts"
    ] == 1

    await import_file(db_engine, path)  # the same marks again: nothing is new
    await match_and_notify(hook)

    again = (await client.get(f"/watches/{watch['id']}/alerts", headers=firm_a)).json()
    assert again["items"] == page["items"]
    assert len(await alerted_messages(db_engine)) == 1
    assert len(hook.requests) == 1
    assert await unfinished_messages(db_engine) == 0  # matched both runs, none failed


async def test_imports_by_the_cli_and_by_the_job_both_alert(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    database_url: str,
    settings_overrides: dict[str, Any],
    match_and_notify: Callable[[Recorder], Any],
    tmp_path: Path,
) -> None:
    watch = await create_watch(client, firm_a, webhook=None)
    by_cli = marks_file(tmp_path, [EAST], "cli.xml")
    by_job = marks_file(tmp_path, [("113000009", "新生華", "005", "0501")], "job.xml")
    hostile = tmp_path / "hostile.xml"
    hostile.write_text('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><tmarkappl/>')
    runtime = ServiceRuntime.from_manifest(MANIFEST, MANIFEST.settings(**settings_overrides))

    # The CLI runs its own event loop (asyncio.run), so it cannot run on the test's loop.
    exits = [
        await asyncio.to_thread(ip_search_command, ["import", str(path)], database_url)
        for path in (by_cli, hostile)
    ]
    try:
        await import_trademark_files({RUNTIMES_KEY: {"ip_search": runtime}}, [str(by_job)])
    finally:
        await runtime.close()
    await match_and_notify(Recorder())

    assert exits == [0, 1]
    alerts = (await client.get(f"/watches/{watch['id']}/alerts", headers=firm_a)).json()["items"]
    assert sorted(a["name"] for a in alerts) == ["新生華", "東生華"]
    assert len({a["import_run_id"] for a in alerts}) == 2


async def test_another_firm_cannot_see_or_touch_the_watch(
    client: httpx.AsyncClient, firm_a: dict[str, str], firm_b: dict[str, str]
) -> None:
    watch = await create_watch(client, firm_a)
    url = f"/watches/{watch['id']}"

    hidden = await client.get(url, headers=firm_b)
    missing = await client.get(f"/watches/{watch['id'] + 1}", headers=firm_b)
    assert_problem(hidden, 404)
    assert without_instance(hidden) == without_instance(missing)  # nothing tells them apart
    assert_problem(await client.get(f"{url}/alerts", headers=firm_b), 404)
    assert_problem(await client.patch(url, json={"threshold": 0.9}, headers=firm_b), 404)
    read = await client.post(f"{url}/alerts/read", json={"all": True}, headers=firm_b)
    assert_problem(read, 404)
    assert_problem(await client.delete(url, headers=firm_b), 404)
    assert (await client.get("/watches", headers=firm_b)).json()["items"] == []

    mine = await client.get(url, headers=firm_a)
    assert mine.status_code == 200
    assert mine.json() == {**watch, "unread_alerts": 0}
    assert "secret" not in mine.text and SECRET not in mine.text


async def test_only_firms_keep_watches(
    client: httpx.AsyncClient, token: Callable[..., str], db_engine: AsyncEngine
) -> None:
    officer = {"Authorization": f"Bearer {token('officer', agency='TIPO')}"}

    assert_problem(await client.post("/watches", json=WATCH), 401)
    assert_problem(await client.post("/watches", json=WATCH, headers=officer), 403)
    assert await watch_count(db_engine) == 0


BAD_WATCHES = [
    pytest.param({"nice_classes": []}, id="no-class-or-group"),
    pytest.param({"threshold": 1.5}, id="threshold-above-1"),
    pytest.param({"threshold": -0.1}, id="threshold-below-0"),
    pytest.param({"text": "生" * 101}, id="text-too-long"),
    pytest.param({"text": "  "}, id="text-blank"),
    pytest.param({"text": "！？…"}, id="text-without-characters"),
    pytest.param({"name": ""}, id="name-empty"),
    pytest.param({"nice_classes": [46]}, id="class-46"),
    pytest.param({"groups": ["05A1"]}, id="bad-group-code"),
    pytest.param({"webhook": {"url": "http://hooks.example/x", "secret": SECRET}}, id="http"),
    pytest.param({"webhook": {"url": "https://10.0.0.7/x", "secret": SECRET}}, id="private"),
    pytest.param({"webhook": {"url": "https://127.1/x", "secret": SECRET}}, id="loopback"),
    pytest.param({"webhook": {"url": HOOK, "secret": "short"}}, id="short-secret"),
    pytest.param({"business_id": "22099131"}, id="owner-is-not-an-input"),
]


@pytest.mark.parametrize("changes", BAD_WATCHES)
async def test_a_bad_watch_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    db_engine: AsyncEngine,
    changes: dict[str, Any],
) -> None:
    response = await client.post("/watches", json={**WATCH, **changes}, headers=firm_a)

    assert_problem(response, 422)
    assert await watch_count(db_engine) == 0


async def test_a_firm_keeps_at_most_its_limit_of_watches(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    firm_b: dict[str, str],
    db_engine: AsyncEngine,
) -> None:
    for number in range(WATCH_LIMIT):
        await create_watch(client, firm_a, name=f"watch {number}")

    assert_problem(await client.post("/watches", json=WATCH, headers=firm_a), 409)
    assert await watch_count(db_engine) == WATCH_LIMIT
    await create_watch(client, firm_b)  # the limit is per firm


BAD_PATCHES = [
    pytest.param({"threshold": None}, id="null-threshold"),
    pytest.param({"nice_classes": []}, id="would-watch-no-class-or-group"),
    pytest.param({"text": "   "}, id="blank-text"),
    pytest.param({"webhook": {"url": "http://hooks.example/x", "secret": SECRET}}, id="http"),
    pytest.param({"active": "maybe"}, id="not-a-boolean"),
]


@pytest.mark.parametrize("patch", BAD_PATCHES)
async def test_a_bad_change_is_refused_and_the_watch_is_unchanged(
    client: httpx.AsyncClient, firm_a: dict[str, str], patch: dict[str, Any]
) -> None:
    watch = await create_watch(client, firm_a)
    url = f"/watches/{watch['id']}"

    assert_problem(await client.patch(url, json=patch, headers=firm_a), 422)
    assert (await client.get(url, headers=firm_a)).json() == {**watch, "unread_alerts": 0}


async def test_a_watch_is_changed_and_deleted(
    client: httpx.AsyncClient, firm_a: dict[str, str], db_engine: AsyncEngine
) -> None:
    watch = await create_watch(client, firm_a)
    url = f"/watches/{watch['id']}"

    changed = await client.patch(
        url,
        json={"threshold": 0.8, "groups": ["0502", "0501", "0501"], "webhook": None},
        headers=firm_a,
    )

    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["threshold"], body["groups"], body["webhook_url"]) == (0.8, ["0501", "0502"], None)
    assert (body["text"], body["nice_classes"]) == ("生華", [5])
    deleted = await client.delete(url, headers=firm_a)
    assert deleted.status_code == 204
    assert_problem(await client.get(url, headers=firm_a), 404)
    assert await watch_count(db_engine) == 0


async def test_alerts_page_by_keyset_and_are_marked_read(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    db_engine: AsyncEngine,
    match_and_notify: Callable[[Recorder], Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two marks per handler run: the run is matched in continuation messages.
    monkeypatch.setattr(ip_search.watches.alerting, "CHUNK", 2)
    watch = await create_watch(client, firm_a, webhook=None)
    paused = await create_watch(client, firm_a, name="paused", active=False, webhook=None)
    similar = ["東生華", "生華堂", "新生華", "生華寶"]
    marks = [(f"11300001{i}", name, "005", "0501") for i, name in enumerate(similar)]
    await import_file(db_engine, marks_file(tmp_path, [*marks, UNRELATED]))
    await match_and_notify(Recorder())
    url = f"/watches/{watch['id']}/alerts"

    first = (await client.get(url, params={"limit": 3}, headers=firm_a)).json()
    second = (
        await client.get(url, params={"limit": 3, "cursor": first["next_cursor"]}, headers=firm_a)
    ).json()

    ids = [a["id"] for a in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and second["next_cursor"] is None
    assert sorted(a["name"] for a in first["items"] + second["items"]) == sorted(similar)
    assert (await client.get(f"/watches/{paused['id']}/alerts", headers=firm_a)).json()[
        "items"
    ] == []
    assert [p["alerts"] for _, p in await alerted_messages(db_engine)] == [4]

    refused = await client.post(
        f"{url}/read", json={"alert_ids": ids[:1], "all": True}, headers=firm_a
    )
    assert_problem(refused, 422)
    one = await client.post(f"{url}/read", json={"alert_ids": ids[:1]}, headers=firm_a)
    assert one.json() == {"marked": 1}
    unread = (await client.get(url, params={"unread": True}, headers=firm_a)).json()["items"]
    assert [a["id"] for a in unread] == ids[1:]
    rest = await client.post(f"{url}/read", json={"all": True}, headers=firm_a)
    assert rest.json() == {"marked": 3}
    assert (await client.get(f"/watches/{watch['id']}", headers=firm_a)).json()[
        "unread_alerts"
    ] == 0
    unread_rows = select(func.count()).where(trademark_watch_alert.c.read_at.is_(None))
    assert await count(db_engine, unread_rows) == 0
