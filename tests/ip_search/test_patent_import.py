"""The patent importer (JSON Lines) and the query plans on a few thousand documents."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from ip_search.patents import repository
from ip_search.patents.importer import import_jsonl, import_records
from ip_search.patents.query_language import parse
from ip_search.patents.query_sql import compile_query
from ip_search.patents.synthetic import LANGUAGES, generate

SAMPLE = Path(__file__).parent / "fixtures" / "patents_sample.jsonl"


async def _truncate(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("TRUNCATE ip_search.patent RESTART IDENTITY"))


async def _titles(engine: AsyncEngine) -> dict[str, str]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT office || publication_no, title FROM ip_search.patent")
        )
        return {row[0]: row[1] for row in rows}


@pytest.fixture(autouse=True)
async def empty(db_engine: AsyncEngine) -> AsyncIterator[None]:
    await _truncate(db_engine)
    yield
    await _truncate(db_engine)


def _lines(path: Path, lines: list[str | bytes]) -> Path:
    path.write_bytes(
        b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
    )
    return path


async def test_reimporting_upserts_by_office_and_number(
    db_engine: AsyncEngine, tmp_path: Path
) -> None:
    await import_jsonl(db_engine, SAMPLE)
    first = await _titles(db_engine)
    assert len(first) == 8
    again = await import_jsonl(db_engine, SAMPLE)
    assert again.accepted == 8
    assert await _titles(db_engine) == first
    record = json.loads(SAMPLE.read_text().splitlines()[5])
    changed = _lines(tmp_path / "c.jsonl", [json.dumps({**record, "title": "Solid battery"})])
    assert (await import_jsonl(db_engine, changed)).accepted == 1
    assert await _titles(db_engine) == {**first, "EP3456789": "Solid battery"}


async def test_malformed_lines_are_rejected_with_their_numbers(
    db_engine: AsyncEngine, tmp_path: Path
) -> None:
    good = SAMPLE.read_text().splitlines()
    record = json.loads(good[0])
    path = _lines(
        tmp_path / "mixed.jsonl",
        [
            good[0],
            "{not json",
            "",
            json.dumps({**record, "publication_no": "X1", "ipc": ["battery"]}),
            json.dumps({**record, "publication_no": "X2", "office": "DE", "extra": 1}),
            "[1, 2]",
            good[1],
        ],
    )
    report = await import_jsonl(db_engine, path)
    assert (report.accepted, report.rejected, report.refused) == (2, 4, None)
    assert [error.line for error in report.errors] == [2, 4, 5, 6]
    assert "not a JSON object" in report.errors[0].reason
    assert "ipc.0" in report.errors[1].reason and "IPC symbol" in report.errors[1].reason
    assert "office" in report.errors[2].reason and "extra" in report.errors[2].reason
    assert set(await _titles(db_engine)) == {"JP2023-101234", "US11234567"}


async def test_a_file_error_imports_nothing(db_engine: AsyncEngine, tmp_path: Path) -> None:
    await import_jsonl(db_engine, SAMPLE)
    before = await _titles(db_engine)
    record = json.loads(SAMPLE.read_text().splitlines()[0])
    valid = [json.dumps({**record, "publication_no": f"NEW{i}"}) for i in range(3)]
    broken = _lines(tmp_path / "broken.jsonl", [*valid, b'{"title": "\xff\xfe"}'])
    report = await import_jsonl(db_engine, broken)
    assert report.refused == "line 4 is not UTF-8 (byte 11)"
    assert report.accepted == 0
    too_many = _lines(tmp_path / "bad.jsonl", [*valid, "x", "y"])
    assert (await import_jsonl(db_engine, too_many, max_errors=1)).refused is not None
    missing = await import_jsonl(db_engine, tmp_path / "absent.jsonl")
    assert missing.refused is not None and "cannot read" in missing.refused
    assert await _titles(db_engine) == before


def test_the_generator_is_seeded_and_covers_six_offices() -> None:
    documents = list(generate(300, seed=3))
    assert documents == list(generate(300, seed=3))
    assert {d["office"] for d in documents} == set(LANGUAGES)
    assert all(d["language"] == LANGUAGES[d["office"]] for d in documents)


async def _plan(engine: AsyncEngine, statement: Select[Any]) -> str:
    compiled = statement.compile(dialect=engine.dialect)
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        rows = await raw.driver_connection.fetch(f"EXPLAIN {compiled.string}", *params)  # type: ignore[union-attr]
    return "\n".join(row[0] for row in rows)


async def test_selective_queries_use_the_indexes_not_a_table_scan(db_engine: AsyncEngine) -> None:
    await _truncate(db_engine)
    try:
        report = await import_records(db_engine, generate(3000, seed=11), source="synthetic")
        assert report.accepted == 3000
        await import_jsonl(db_engine, SAMPLE)
        async with db_engine.connect() as connection:
            await connection.execute(text("ANALYZE ip_search.patent"))
        for query in ("TI=(lithium AND electrode) AND PA=toyota", "TI=鋰電池負極", "IC=H01M4/13"):
            compiled = compile_query(parse(query))
            for statement in (
                repository.page_statement(compiled, [], None, 20),
                repository.count_statement(compiled, [], 10_000),
            ):
                plan = await _plan(db_engine, statement)
                assert "Seq Scan on patent" not in plan, plan
                assert "Bitmap Index Scan on ix_patent_" in plan, plan
    finally:
        await _truncate(db_engine)
