"""The register's tables, as the tests that import marks empty them (in one TRUNCATE: the search
card and key tables reference ``trademark``), and the register the search tests share."""

from __future__ import annotations

import itertools
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ip_search.importing.planted import planted_records
from ip_search.importing.rows import COLUMNS
from ip_search.importing.runner import import_file, import_items
from ip_search.synthetic import generate

REGISTER_TABLES = ", ".join(f"ip_search.{t}" for t in (*COLUMNS, "mark_card", "import_run"))

SAMPLE = Path(__file__).parent / "fixtures" / "tmarkappl_api_sample_25.xml"


async def empty_register(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {REGISTER_TABLES} RESTART IDENTITY"))


async def fill_register(engine: AsyncEngine, *, distractors: int, seed: int, source: str) -> None:
    """The TIPO sample, then ``distractors`` synthetic marks and the labelled relevance marks."""
    await import_file(engine, SAMPLE)
    records = itertools.chain(generate(distractors, seed=seed), planted_records())
    await import_items(engine, records, source=source, feed="synthetic")
