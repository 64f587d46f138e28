"""Demo data for ``moea serve`` (the manifest's ``demo_seed``): runs only on an empty registry.

1. the registry: the packaged real sample (420 rows, investment/seed/) and 2,000 synthetic
   factories, through the same import path as ``moea investment import-registry``;
2. the packaged industrial parks;
3. a closed 2025 campaign with synthetic answers filed by ~85 % of factories (some late, some
   explaining big changes: the chase list has something to rank), and the open 2026 campaign.
A restart costs one indexed query. Returns what it did (``moea serve`` ignores it).
"""

from __future__ import annotations

import datetime as dt
import random
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from common.pii import FieldCipher
from investment.campaigns import repository as campaigns
from investment.campaigns.service import stored_form_pk
from investment.demo_answers import synthetic_answers
from investment.factories.importing import import_parsed
from investment.factories.rows import row_record
from investment.models import factory, survey_return
from investment.parks.seed import seed_parks
from investment.registry import ParseResult, parse_registry_file
from investment.returns import personal
from investment.returns.receipts import receipt_number
from investment.settings import InvestmentSettings
from investment.survey import FormDefinition, builtin_form, registry_facts
from investment.synthetic import generate_factories

SAMPLE_NAME = "factory_registry_sample_redacted.csv"
SYNTHETIC_FACTORIES = 2000
SEED = 20_250_601
CURRENT_FORM = "factory_survey-2026"
FILED_SHARE, LATE_SHARE, EXPLAINED_SHARE = 0.85, 0.15, 0.1


async def seed_if_empty(database_url: str) -> dict[str, Any]:
    url = make_url(database_url).set(drivername="postgresql+asyncpg")
    settings = InvestmentSettings(database_url=url.render_as_string(hide_password=False))
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            if await connection.scalar(text("SELECT 1 FROM investment.factory LIMIT 1")):
                return {}
        return await seed_demo(engine, settings)
    finally:
        await engine.dispose()


async def seed_demo(
    engine: AsyncEngine, settings: InvestmentSettings, synthetic: int = SYNTHETIC_FACTORIES
) -> dict[str, Any]:
    cipher = FieldCipher.from_settings(settings)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        report = await import_parsed(
            session, demo_registry(synthetic), source="demo seed", cipher=cipher
        )
        filed = await seed_campaigns(session, cipher)
        await session.commit()
    parks = await seed_parks(engine)
    return {"registry": report.summary(), "parks": parks, "filed_2025": filed}


def demo_registry(synthetic: int) -> ParseResult:
    with as_file(files("investment.seed").joinpath(SAMPLE_NAME)) as sample:
        real = parse_registry_file(Path(sample))
    taken = {record.registration_number for record in real.records}
    extra = [
        r for r in generate_factories(synthetic, seed=SEED) if r.registration_number not in taken
    ]
    return ParseResult(real.records + tuple(extra), real.errors, real.ignored_columns)


def previous_form(current: FormDefinition) -> FormDefinition:
    """Last year's form for the demo: this year's, relabelled (the real one is not public)."""
    document = current.model_dump(mode="json")
    document.update(survey_year=current.survey_year - 1, version=f"{current.survey_year - 1}.1")
    return FormDefinition.model_validate(document)


async def seed_campaigns(session: AsyncSession, cipher: FieldCipher) -> int:
    current = builtin_form(CURRENT_FORM)
    last = previous_form(current)
    for form in (last, current):
        year = form.survey_year
        form_pk = await stored_form_pk(session, form)
        await campaigns.insert_campaign(
            session, year, form_pk, dt.date(year, 6, 1), dt.date(year, 7, 10)
        )
        await campaigns.open_returns(session, year)
    return await file_last_year(session, cipher, last.survey_year)


async def file_last_year(session: AsyncSession, cipher: FieldCipher, year: int) -> int:
    rand = random.Random(SEED)  # noqa: S311 - reproducible demo data, not a secret
    rows = (
        await session.execute(
            select(survey_return.c.id, factory)
            .join(factory, factory.c.registration_number == survey_return.c.registration_number)
            .where(survey_return.c.survey_year == year)
            .order_by(survey_return.c.id)
        )
    ).all()
    updates = [_filed(row, cipher, rand, year) for row in rows if rand.random() < FILED_SHARE]
    if updates:
        await session.execute(_FILE_STATEMENT, updates)
    return len(updates)


_FILE_STATEMENT = (
    update(survey_return)
    .where(survey_return.c.id == bindparam("return_id"))
    .values(
        answers=bindparam("new_answers"),
        personal=bindparam("new_personal"),
        status="accepted",
        version=1,
        problem_count=0,
        submission_count=1,
        receipt_number=bindparam("receipt"),
        first_submitted_at=bindparam("at"),
        submitted_at=bindparam("at"),
    )
)


def _filed(row: Any, cipher: FieldCipher, rand: random.Random, year: int) -> dict[str, Any]:
    answers = synthetic_answers(registry_facts(row_record(row._mapping, None)), rand, row.id)
    if rand.random() < EXPLAINED_SHARE:
        answers["change_explanation"] = "新增生產線，營收大幅成長。"
    late = rand.random() < LATE_SHARE
    day = dt.date(year, 7, 10) + dt.timedelta(
        days=rand.randint(1, 30) if late else -rand.randint(0, 39)
    )
    form = builtin_form(CURRENT_FORM)
    plain, private = personal.split(form, answers)
    return {
        "return_id": row.id,
        "new_answers": plain,
        "new_personal": personal.seal(cipher, row.id, private),
        "receipt": receipt_number(year, row.id, 1),
        "at": dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC),
    }
