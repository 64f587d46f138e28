"""Officers are bound to their agency: another agency's filings, certificates, declaration
batches and review queue do not exist for them (404), and they open no cases here (403)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tax_exemption.app import MANIFEST
from tax_exemption.models import declaration_batch, declaration_line
from tests.tax_exemption.conftest import FIRM_A, filing_body
from tests.tax_exemption.stored import balance_and_ledger, declaration, seed_certificate
from tests.tax_exemption.worker import run_worker_once

UNSURE = {"goods_model": "VF-1S", "cited_certificate_no": None, "cited_item_no": None}
APPROVE_ALL = {"items": [{"item_no": n, "approved_quantity": "1"} for n in (1, 2, 3)]}


async def _line_rows(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    line = declaration_line.c
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(line.agency, line.version, line.is_current, line.review_status).order_by(line.id)
        )
        return [tuple(row) for row in rows]


async def _batch_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(declaration_batch))
    return int(count or 0)


async def test_another_agency_finds_none_of_the_filings_and_certificates(
    client: httpx.AsyncClient,
    firm_a: dict[str, str],
    officer: dict[str, str],
    foreign_officer: dict[str, str],
) -> None:
    created = await client.post("/filings", json=filing_body(), headers=firm_a)
    filing_id = created.json()["id"]
    await client.post(f"/filings/{filing_id}/submit", headers=firm_a)
    assert (await client.get("/filings", headers=foreign_officer)).json()["items"] == []
    assert (await client.get(f"/filings/{filing_id}", headers=foreign_officer)).status_code == 404
    for path, body in [
        ("review", None),
        ("supplement-requests", {"message": "請補件"}),
        ("decision", APPROVE_ALL),
    ]:
        response = await client.post(
            f"/filings/{filing_id}/{path}", json=body, headers=foreign_officer
        )
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"

    await client.post(f"/filings/{filing_id}/review", headers=officer)
    await client.post(f"/filings/{filing_id}/decision", json=APPROVE_ALL, headers=officer)
    validity = {"valid_from": "2025-01-01", "valid_until": "2025-12-31"}
    stolen = await client.post(
        f"/filings/{filing_id}/certificate", json=validity, headers=foreign_officer
    )
    assert stolen.status_code == 404
    issued = await client.post(f"/filings/{filing_id}/certificate", json=validity, headers=officer)
    number = issued.json()["certificate_no"]
    assert (await client.get(f"/certificates/{number}", headers=foreign_officer)).status_code == 404
    cancel = await client.post(
        f"/certificates/{number}/cancel", json={"reason": "x"}, headers=foreign_officer
    )
    assert cancel.status_code == 404

    counter = {**filing_body(), "business_id": FIRM_A}
    opened = await client.post("/filings", json=counter, headers=foreign_officer)
    assert opened.status_code == 403
    assert [f["id"] for f in (await client.get("/filings", headers=officer)).json()["items"]] == [
        filing_id
    ]
    assert (await client.get(f"/certificates/{number}", headers=officer)).json()["status"] == (
        "active"
    )


async def test_another_agency_neither_sees_nor_works_the_review_queue(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    foreign_officer: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
) -> None:
    item_ids = await seed_certificate(db_engine, FIRM_A, items=2)
    batch = {"lines": [declaration(n, FIRM_A, **UNSURE) for n in (1, 2)]}
    batch_id = (await client.post("/declarations/batches", json=batch, headers=officer)).json()[
        "id"
    ]
    await run_worker_once(db_engine, redis_url, settings_overrides)
    first, _ = (await client.get("/reviews", headers=officer)).json()["items"]

    assert (await client.get("/reviews", headers=foreign_officer)).json()["items"] == []
    for action, body in [("confirm", {}), ("refuse", {"reason": "型號不符"})]:
        response = await client.post(
            f"/reviews/{first['id']}/{action}", json=body, headers=foreign_officer
        )
        assert response.status_code == 404, (action, response.text)
    for path in (f"/declarations/batches/{batch_id}", f"/declarations/batches/{batch_id}/lines"):
        assert (await client.get(path, headers=foreign_officer)).status_code == 404
    kpis = (await client.get("/kpis", headers=foreign_officer)).json()
    assert (kpis["lines_decided"], kpis["review_backlog"]) == (0, 0)

    ingests = [
        client.post("/declarations/batches", json=batch, headers=foreign_officer),
        client.post("/declarations/batches/csv", content=b"DECLNO\n", headers=foreign_officer),
        client.post(
            "/declarations/batches/xml", content=b"<Declarations/>", headers=foreign_officer
        ),
    ]
    for ingest in ingests:
        response = await ingest
        assert response.status_code == 403, response.text

    assert await _line_rows(db_engine) == [("IDA", 1, True, "pending")] * 2
    assert await _batch_count(db_engine) == 1
    for item_id in item_ids:
        assert await balance_and_ledger(db_engine, item_id) == (Decimal(10),) * 2 + (Decimal(0),)


async def test_a_line_of_another_agency_is_neither_read_nor_superseded(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    foreign_officer: dict[str, str],
    service_client_factory: Callable[..., Any],
    db_engine: AsyncEngine,
) -> None:
    # The same key already came in through a deployment whose deciding agency is BSMI.
    async with service_client_factory(MANIFEST, agency="BSMI") as bsmi:
        theirs = await bsmi.post(
            "/declarations/batches",
            json={"lines": [declaration(1, FIRM_A)]},
            headers=foreign_officer,
        )
    assert theirs.status_code == 202, theirs.text
    assert (
        await client.get(f"/declarations/batches/{theirs.json()['id']}", headers=officer)
    ).status_code == 404

    amended = {"lines": [declaration(1, FIRM_A, quantity="5")]}
    response = await client.post("/declarations/batches", json=amended, headers=officer)
    assert response.status_code == 409, response.text
    assert response.json()["errors"][0]["type"] == "agency"
    assert await _line_rows(db_engine) == [("BSMI", 1, True, None)]
    assert await _batch_count(db_engine) == 1
