"""Importing TIPO files into PostgreSQL: every field lands, re-imports change nothing, and a
hostile or malformed file is refused with nothing half-imported."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson
import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.jobs.runtime import RUNTIMES_KEY, ServiceRuntime
from ip_search.app import MANIFEST, ip_search_command
from ip_search.importers import read_gazette, read_tmarkappl, read_tmarkrights
from ip_search.importers.records import TrademarkRecord
from ip_search.importing.jobs import import_trademark_files
from ip_search.importing.maintenance import SEARCH_TABLES, refresh_search_tables
from ip_search.importing.rows import COLUMNS, record_rows
from ip_search.importing.runner import Feed, import_file
from ip_search.importing.seed import seed_if_empty

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "tmarkappl_api_sample_25.xml"
TABLES = tuple(COLUMNS)
JSON_COLUMNS = frozenset({"status_flags", "match_keys"})
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE tmarkappl [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    "<tmarkappl><tmarkcontent><appl-no>110000001</appl-no><tmark-name>&lol2;</tmark-name>"
    "<tmark-class>1</tmark-class></tmarkcontent></tmarkappl>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE tmarkappl [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<tmarkappl><tmarkcontent><appl-no>110000001</appl-no><tmark-name>&x;</tmark-name>"
    "<tmark-class>1</tmark-class></tmarkcontent></tmarkappl>"
)

pytestmark = pytest.mark.usefixtures("clean_backends")


async def table_rows(engine: AsyncEngine, table: str) -> set[tuple[Any, ...]]:
    columns = ", ".join(f"{c}::text" if c in JSON_COLUMNS else c for c in COLUMNS[table])
    async with engine.connect() as connection:
        result = await connection.execute(text(f"SELECT {columns} FROM ip_search.{table}"))
        return {_plain(row, COLUMNS[table]) for row in result}


def _plain(row: Any, columns: tuple[str, ...]) -> tuple[Any, ...]:
    """Hashable and comparable: lists as tuples, JSON re-serialised with sorted keys."""
    return tuple(
        orjson.dumps(orjson.loads(v), option=orjson.OPT_SORT_KEYS)
        if c in JSON_COLUMNS
        else tuple(v)
        if isinstance(v, list)
        else v
        for c, v in zip(columns, row, strict=True)
    )


async def counts(engine: AsyncEngine) -> dict[str, int]:
    found = {}
    async with engine.connect() as connection:
        for table in (*TABLES, "import_run"):
            found[table] = await connection.scalar(text(f"SELECT count(*) FROM ip_search.{table}"))
    return found


def expected_rows(records: list[TrademarkRecord], table: str, run_id: int) -> set[tuple[Any, ...]]:
    rows: set[tuple[Any, ...]] = set()
    for record in records:
        for row in record_rows(record, run_id).tables[table]:
            rows.add(_plain(row, COLUMNS[table]))
    return rows


async def assert_stored_exactly(
    engine: AsyncEngine, records: list[TrademarkRecord], run_id: int
) -> None:
    """Every column of every table holds what the reader produced for the file."""
    for table in TABLES:
        stored = await table_rows(engine, table)
        assert stored == expected_rows(records, table, run_id), table


async def test_tipo_sample_imports_every_record_and_field(db_engine: AsyncEngine) -> None:
    summary = await import_file(db_engine, SAMPLE)

    assert (summary.feed, summary.accepted, summary.rejected, summary.refused) == (
        "tmarkappl",
        25,
        0,
        None,
    )
    records = [r for r in read_tmarkappl(SAMPLE) if isinstance(r, TrademarkRecord)]
    assert summary.run_id is not None
    await assert_stored_exactly(db_engine, records, summary.run_id)
    async with db_engine.connect() as connection:
        first = (
            await connection.execute(
                text(
                    "SELECT t.name, t.kind_code, t.colour, c.code, c.nice_class, c.old_code, "
                    "c.goods, p.name_zh, p.country_code, a.name_zh AS agent "
                    "FROM ip_search.trademark t JOIN ip_search.trademark_class c USING "
                    "(application_no) JOIN ip_search.trademark_party p USING (application_no) "
                    "JOIN ip_search.trademark_agent a USING (application_no) "
                    "WHERE t.application_no = '000000001'"
                )
            )
        ).one()
    # The 1951 class code 032 is the old Taiwanese scheme: kept, flagged, not mapped to Nice.
    assert tuple(first) == (
        "林森",
        "1",
        "black_and_white",
        "032",
        None,
        True,
        "美髮霜商品。",
        "盛香堂　許鉗",
        "TW",
        "陳家蔭",
    )


@pytest.mark.parametrize(
    ("name", "reader", "feed"),
    [
        ("gazette_regcontent_index.xml", read_gazette, "gazette"),
        ("tmarkrights_sample.xml", read_tmarkrights, "tmarkrights"),
    ],
)
async def test_other_feeds_are_detected_and_stored(
    db_engine: AsyncEngine, name: str, reader: Any, feed: str
) -> None:
    path = FIXTURES / name
    items = list(reader(path))
    records = [r for r in items if isinstance(r, TrademarkRecord)]

    summary = await import_file(db_engine, path)

    assert (summary.feed, summary.accepted, summary.rejected) == (
        feed,
        len(records),
        len(items) - len(records),
    )
    assert summary.run_id is not None
    await assert_stored_exactly(db_engine, records, summary.run_id)


async def test_reimport_is_idempotent(db_engine: AsyncEngine) -> None:
    await import_file(db_engine, SAMPLE)
    before = {table: await table_rows(db_engine, table) for table in TABLES if table != "trademark"}
    first_counts = await counts(db_engine)

    await import_file(db_engine, SAMPLE)

    after_counts = await counts(db_engine)
    assert after_counts == {**first_counts, "import_run": 2}
    for table, rows in before.items():
        assert await table_rows(db_engine, table) == rows, table


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE, "<tmarkappl><tmarkcontent>"])
async def test_refused_file_imports_nothing(
    db_engine: AsyncEngine, tmp_path: Path, document: str
) -> None:
    path = tmp_path / "refused.xml"
    path.write_text(document)

    summary = await import_file(db_engine, path, feed=Feed.TMARK_APPL)

    assert summary.refused is not None
    assert "refused" in summary.refused
    found = await counts(db_engine)
    assert {t: n for t, n in found.items() if t != "import_run"} == dict.fromkeys(TABLES, 0)
    async with db_engine.connect() as connection:
        run = (
            await connection.execute(text("SELECT status, error FROM ip_search.import_run"))
        ).one()
    assert run.status == "refused"
    assert run.error == summary.refused


async def test_bad_records_are_rejected_with_reasons_and_the_rest_imported(
    db_engine: AsyncEngine, tmp_path: Path
) -> None:
    broken = SAMPLE.read_text().replace("<appl-no>000000002</appl-no>", "<appl-no>2X</appl-no>")
    path = tmp_path / "one_bad.xml"
    path.write_text(broken)

    summary = await import_file(db_engine, path)

    assert (summary.accepted, summary.rejected) == (24, 1)
    assert summary.rejections[0].position == 2
    assert any("appl-no" in reason for reason in summary.rejections[0].reasons)
    found = await counts(db_engine)
    assert found["trademark"] == 24
    async with db_engine.connect() as connection:
        stored = await connection.scalar(
            text("SELECT rejections::text FROM ip_search.import_run WHERE status = 'finished'")
        )
    assert "appl-no must be 9 digits" in stored


async def test_cli_imports_and_reports(
    database_url: str, db_engine: AsyncEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(XXE)

    ok = await _in_thread(ip_search_command, ["import", str(SAMPLE)], database_url)
    refused = await _in_thread(ip_search_command, ["import", str(hostile)], database_url)

    assert (ok, refused) == (0, 1)
    err = capsys.readouterr().err
    assert "25 accepted, 0 rejected" in err
    assert "REFUSED, nothing imported" in err
    assert (await counts(db_engine))["trademark"] == 25


async def _in_thread(function: Any, *args: Any) -> Any:
    # The CLI runs its own event loop (asyncio.run), so it cannot run on the test's loop.
    return await asyncio.to_thread(function, *args)


async def test_worker_job_imports_files(
    db_engine: AsyncEngine, settings_overrides: dict[str, Any]
) -> None:
    runtime = ServiceRuntime.from_manifest(MANIFEST, MANIFEST.settings(**settings_overrides))
    try:
        result = await import_trademark_files({RUNTIMES_KEY: {"ip_search": runtime}}, [str(SAMPLE)])
    finally:
        await runtime.close()

    assert [(r["accepted"], r["rejected"], r["refused"]) for r in result] == [(25, 0, None)]
    assert (await counts(db_engine))["trademark"] == 25


async def test_demo_seed_fills_an_empty_register_once(
    database_url: str, db_engine: AsyncEngine
) -> None:
    first = await seed_if_empty(database_url)
    seeded = (await counts(db_engine))["trademark"]
    second = await seed_if_empty(database_url)

    assert [s.refused for s in first] == [None, None]
    assert first[0].accepted == 25
    assert seeded == 25 + first[1].accepted
    assert second == []
    assert (await counts(db_engine))["trademark"] == seeded


NEW_MARK = (
    "<tmarkappl><tmarkcontent><appl-no>113000001</appl-no><appl-date>2024/01/02</appl-date>"
    "<tmark-name>林森</tmark-name><tmark-class>1</tmark-class></tmarkcontent></tmarkappl>"
)


async def test_an_import_invalidates_cached_search_results(
    service_client_factory: Any, db_engine: AsyncEngine, tmp_path: Path, redis_url: str
) -> None:
    await import_file(db_engine, SAMPLE)
    newer = tmp_path / "newer.xml"
    newer.write_text(NEW_MARK)
    params = {"q": "林森", "mode": "exact"}
    async with service_client_factory(MANIFEST, data_as_of_cache_seconds=0) as client:
        before = (await client.get("/trademarks/search", params=params)).json()
        cached = (await client.get("/trademarks/search", params=params)).json()
        await import_file(db_engine, newer)
        after = (await client.get("/trademarks/search", params=params)).json()
        again = (await client.get("/trademarks/search", params=params)).json()
        await asyncio.sleep(0.05)  # a search is stored from its second ask, while it answers

    assert cached == before and again == after
    assert [i["application_no"] for i in before["items"]] == ["000000001", "000000002"]
    assert [i["application_no"] for i in after["items"]] == [
        "000000001",
        "000000002",
        "113000001",
    ]
    assert after["data_as_of"] > before["data_as_of"]
    redis: Redis = Redis.from_url(redis_url)
    try:
        cached_keys = await redis.keys("cache:ip_search:tm-search:*")
    finally:
        await redis.aclose()
    entries = [key for key in cached_keys if not key.endswith(b":asked")]
    assert len(entries) == 2  # one per data_as_of: the import versioned the cache


async def test_a_bulk_import_refreshes_the_search_tables_statistics(db_engine: AsyncEngine) -> None:
    query = text(
        "SELECT relname, vacuum_count + autovacuum_count, analyze_count + autoanalyze_count "
        "FROM pg_stat_user_tables WHERE schemaname = 'ip_search' AND relname = ANY(:names)"
    )
    names = [table.name for table in SEARCH_TABLES]

    async def counts() -> dict[str, tuple[int, int]]:
        async with db_engine.connect() as connection:
            rows = await connection.execute(query, {"names": names})
            return {row[0]: (row[1], row[2]) for row in rows}

    def refreshed(before: dict[str, tuple[int, int]], now: dict[str, tuple[int, int]]) -> bool:
        return sorted(now) == sorted(names) and all(
            now[n][0] > before.get(n, (0, 0))[0] and now[n][1] > before.get(n, (0, 0))[1]
            for n in names
        )

    before = await counts()
    await refresh_search_tables(db_engine)
    for _ in range(50):  # statistics are reported to the cumulative views within a second or so
        if refreshed(before, await counts()):
            break
        await asyncio.sleep(0.1)
    assert refreshed(before, await counts())
