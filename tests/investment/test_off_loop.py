"""Analyses over the whole registry, the chase list and county exports compute in worker
threads, not on the event loop, and answer as they did on it."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from investment.decision_support import endpoints as decision_support
from investment.decision_support import inputs
from investment.exports import jobs as export_jobs
from investment.exports import service as exports
from investment.surveyors import service as surveyors
from tests.investment.conftest import bearer
from tests.investment.test_filing_api import KEELUNG
from tests.investment.test_surveyors_api import build_queued_export
from tests.thread_calls import ThreadCalls

ANALYSES = ("location_quotients", "industry_counts", "similar_factories", "upstream_suppliers")


async def test_decision_support_analyses_run_off_the_loop(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = ThreadCalls(monkeypatch)
    threads.watch(decision_support, *ANALYSES)
    threads.watch(inputs, "_points")
    monkeypatch.setattr(inputs, "TTL_SECONDS", 0.0)  # every answer reloads the points
    near = {"longitude": 121.74, "latitude": 25.13, "radius_km": 200}
    answers = [
        await client.get("/decision-support/location-quotient", params={"industry_code": "08"}),
        await client.get("/decision-support/industry-counts", params={"county_code": "09020"}),
        await client.get("/decision-support/similar-factories/96200001"),
        await client.get(
            "/decision-support/upstream-suppliers", params={**near, "industry_code": "25"}
        ),
    ]

    assert [answer.status_code for answer in answers] == [200] * 4
    assert answers[0].json()["national_factories"] == 420
    assert threads.counts() == dict.fromkeys(ANALYSES, 1) | {"_points": 4}
    assert threads.on_thread(threading.current_thread()) == []


async def test_the_chase_list_is_scored_off_the_loop(
    client: httpx.AsyncClient, token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = ThreadCalls(monkeypatch)
    threads.watch(surveyors, "_chase_items")
    surveyor = bearer(token("surveyor", county=KEELUNG))

    chase = await client.get("/campaigns/2026/chase-list", params={"limit": 5}, headers=surveyor)

    assert chase.status_code == 200
    assert chase.json()["non_filers"] == 255 and len(chase.json()["items"]) == 5
    assert threads.counts() == {"_chase_items": 1}
    assert threads.on_thread(threading.current_thread()) == []


async def test_an_export_is_rendered_and_read_off_the_loop(
    client: httpx.AsyncClient,
    db_engine: AsyncEngine,
    token: Any,
    settings_overrides: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads = ThreadCalls(monkeypatch)
    threads.watch(export_jobs, "sealed_csv")
    threads.watch(exports, "_file_bytes")
    surveyor = bearer(token("surveyor", county=KEELUNG))
    requested = await client.post("/campaigns/2026/exports", json={}, headers=surveyor)
    export_id = requested.json()["id"]
    await build_queued_export(db_engine, settings_overrides)

    content = await client.get(f"/exports/{export_id}/content", headers=surveyor)

    assert content.status_code == 200
    assert content.content.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets look for
    assert len(content.content.decode("utf-8-sig").splitlines()) == 1 + 255
    assert threads.counts() == {"sealed_csv": 1, "_file_bytes": 1}
    assert threads.on_thread(threading.current_thread()) == []
