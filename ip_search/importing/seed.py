"""Demo data for ``moea serve``: an empty register gets the TIPO sample and synthetic marks.

Runs only when the register holds no mark, so a real register is never touched and a restart
costs one indexed query. About 2,000 marks import in a couple of seconds.
"""

from __future__ import annotations

import itertools
from importlib.resources import as_file, files
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from ip_search.importing.planted import planted_records
from ip_search.importing.runner import Feed, ImportSummary, import_file, import_items
from ip_search.synthetic import generate

SAMPLE_NAME = "tmarkappl_api_sample_25.xml"
SYNTHETIC_MARKS = 2000
SYNTHETIC_SEED = 20_240_101


async def register_is_empty(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        found = await connection.scalar(text("SELECT 1 FROM ip_search.trademark LIMIT 1"))
    return found is None


async def seed_register(
    engine: AsyncEngine, synthetic: int = SYNTHETIC_MARKS
) -> list[ImportSummary]:
    """Import the sample, the planted relevance marks and ``synthetic`` generated marks."""
    with as_file(files("ip_search.seed").joinpath(SAMPLE_NAME)) as sample:
        summaries = [await import_file(engine, Path(sample), feed=Feed.TMARK_APPL)]
    records = itertools.chain(generate(synthetic, seed=SYNTHETIC_SEED), planted_records())
    summaries.append(
        await import_items(engine, records, source="demo seed", feed=Feed.SYNTHETIC.value)
    )
    return summaries


async def seed_if_empty(database_url: str) -> list[ImportSummary]:
    """``moea serve``'s demo seed: nothing when the register already holds marks."""
    url = make_url(database_url).set(drivername="postgresql+asyncpg")
    engine = create_async_engine(url)
    try:
        if not await register_is_empty(engine):
            return []
        return await seed_register(engine)
    finally:
        await engine.dispose()
