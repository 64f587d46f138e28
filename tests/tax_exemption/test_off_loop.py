"""Long CPU stretches of uploads and matching run in worker threads, not on the event loop,
with the results they had on it; and the collector pause holds across the thread."""

from __future__ import annotations

import gc
import threading
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tax_exemption.declarations import endpoints
from tax_exemption.declarations import service as declarations
from tax_exemption.matching import repository
from tax_exemption.matching import service as matching
from tax_exemption.matching.collector import collector_paused
from tax_exemption.models import declaration_line
from tests.tax_exemption.conftest import FIRM_A
from tests.tax_exemption.stored import (
    CERTIFICATE_NO,
    balance_and_ledger,
    seed_certificate,
    stored_batch,
)
from tests.tax_exemption.test_declarations_api import CSV_LINE, HEADER
from tests.thread_calls import ThreadCalls

XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<Declarations><Declaration>
  <DECLNO>AW13000010</DECLNO><SHPR_BAN_ID>{FIRM_A}</SHPR_BAN_ID><DECL_DATE>113.06.02</DECL_DATE>
  <Item><ITEM_NO>1</ITEM_NO><CCC_CODE>8457.10.10.00-3</CCC_CODE>
    <DESCRIPTION>立式綜合加工機 VERTICAL MACHINING CENTER 1</DESCRIPTION>
    <GOODS_MODEL>VF-1SS</GOODS_MODEL>
    <QTY>2</QTY><DOC_UM>SET</DOC_UM><ORG_COUNTRY>US</ORG_COUNTRY>
    <CERT_NO>{CERTIFICATE_NO}</CERT_NO><CERT_NO_ITEM>1</CERT_NO_ITEM></Item>
</Declaration></Declarations>
"""


async def _lines(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(declaration_line)) or 0


async def test_uploads_are_parsed_and_versioned_off_the_loop(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    db_engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads = ThreadCalls(monkeypatch)
    threads.watch(endpoints, "parse_csv", "parse_xml")
    threads.watch(declarations, "_new_versions")
    await seed_certificate(db_engine, FIRM_A)
    uploads = {"csv": (f"{HEADER}\n{CSV_LINE}\n", "text/csv"), "xml": (XML, "application/xml")}
    for path, (text, media_type) in uploads.items():
        response = await client.post(
            f"/declarations/batches/{path}",
            content=text.encode(),
            headers={**officer, "Content-Type": media_type},
        )
        assert response.status_code == 202, response.text

    assert threads.counts() == {"parse_csv": 1, "parse_xml": 1, "_new_versions": 2}
    assert threads.on_thread(threading.current_thread()) == []
    assert await _lines(db_engine) == 2


@pytest.mark.usefixtures("clean_backends")
async def test_matching_runs_the_engine_off_the_loop_with_the_collector_paused(
    db_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = ThreadCalls(monkeypatch)
    threads.watch(matching, "reach", "match_batch")
    [item_id] = await seed_certificate(db_engine, FIRM_A, balance=Decimal(3))
    batch_id = await stored_batch(db_engine, FIRM_A, 1, 5)

    async with AsyncSession(db_engine) as session, session.begin():
        counts = await matching.match_stored_batch(session, batch_id)

    assert threads.counts() == {"reach": 1, "match_batch": 1}
    assert threads.on_thread(threading.current_thread()) == []
    assert threads.collecting["match_batch"] == [False]  # the loop's pause spans the thread
    assert gc.isenabled()
    assert counts["auto_matched"] == 3 and sum(counts.values()) == 5
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(3), Decimal(0), Decimal(3))


@pytest.mark.usefixtures("clean_backends")
async def test_decisions_are_written_a_page_of_lines_per_statement(
    db_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "DECISIONS_PER_STATEMENT", 2)  # 5 lines: pages of 2, 2, 1
    await seed_certificate(db_engine, FIRM_A, balance=Decimal(3))
    batch_id = await stored_batch(db_engine, FIRM_A, 1, 5)

    async with AsyncSession(db_engine) as session, session.begin():
        counts = await matching.match_stored_batch(session, batch_id)

    async with db_engine.connect() as connection:
        stored = await connection.execute(
            select(declaration_line.c.outcome, func.count())
            .where(declaration_line.c.batch_id == batch_id)
            .group_by(declaration_line.c.outcome)
        )
        assert dict(stored.all()) == counts
    assert counts["auto_matched"] == 3 and sum(counts.values()) == 5


def test_overlapping_pauses_resume_the_collector_when_the_last_ends() -> None:
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second batch is still being matched
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_pause_inside_a_callers_pause_leaves_it_paused() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
