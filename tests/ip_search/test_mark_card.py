"""The search card of a mark (``mark_card``) is kept equal to its register row by the importer:
a first import, a re-import, a changed record and a removed mark."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ip_search.importers import MarkStatus, read_tmarkappl
from ip_search.importers.records import TrademarkRecord
from ip_search.importing.loader import CARD_COLUMNS
from ip_search.importing.rows import MarkRows, record_rows
from ip_search.importing.runner import Batch, import_batches, import_file
from ip_search.text import MarkFields
from ip_search.text.packed_keys import PACKED_FIELDS, TEXT, pack_keys

SAMPLE = Path(__file__).parent / "fixtures" / "tmarkappl_api_sample_25.xml"

pytestmark = pytest.mark.usefixtures("clean_backends")


async def cards(engine: AsyncEngine) -> dict[str, tuple[Any, ...]]:
    """Each card as (its columns..., its packed scoring keys)."""
    columns = ", ".join(CARD_COLUMNS)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(f"SELECT {columns}, scoring_keys FROM ip_search.mark_card")
        )
        return {row[0]: tuple(row) for row in rows}


async def expected_cards(engine: AsyncEngine) -> dict[str, tuple[Any, ...]]:
    """What each card must hold: the register row's columns and its match keys' scoring part,
    packed in SQL (``pack_scoring_keys``) as ``pack_keys`` packs them."""
    columns = ", ".join(CARD_COLUMNS)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(f"SELECT {columns}, match_keys::text FROM ip_search.trademark")
        )
        found = {}
        for row in rows:
            found[row[0]] = (*row[:-1], pack_keys(orjson.loads(row[-1])))
        return found


async def import_records(engine: AsyncEngine, records: list[TrademarkRecord]) -> None:
    rows = MarkRows()
    for record in records:
        rows.extend(record_rows(record))
    batches = iter([Batch(rows, len(records), [])])
    await import_batches(engine, lambda _run_id: next(batches, None), source="test", feed="test")


def test_the_card_holds_exactly_the_keys_scoring_reads() -> None:
    assert {*PACKED_FIELDS, TEXT} == set(MarkFields._fields)


async def test_an_import_cards_every_mark(db_engine: AsyncEngine) -> None:
    await import_file(db_engine, SAMPLE)

    found = await cards(db_engine)
    assert len(found) == 25
    assert found == await expected_cards(db_engine)


async def test_a_reimport_leaves_the_cards_as_they_were(db_engine: AsyncEngine) -> None:
    await import_file(db_engine, SAMPLE)
    before = await cards(db_engine)

    await import_file(db_engine, SAMPLE)

    assert await cards(db_engine) == before


async def test_a_changed_record_changes_its_card(db_engine: AsyncEngine) -> None:
    records = [r for r in read_tmarkappl(SAMPLE) if isinstance(r, TrademarkRecord)]
    await import_records(db_engine, records)
    first = records[0]
    changed = replace(
        first,
        name="新名稱 NEWNAME",
        status=MarkStatus.LAPSED if first.status != MarkStatus.LAPSED else MarkStatus.REGISTERED,
    )

    await import_records(db_engine, [changed])

    found = await cards(db_engine)
    card = found[first.application_no]
    assert (card[2], card[3]) == (changed.name, changed.status.value)
    assert "newname" in MarkFields.from_document(card[-1]).compacts[0]
    assert found == await expected_cards(db_engine)


async def test_a_removed_mark_loses_its_card(db_engine: AsyncEngine) -> None:
    await import_file(db_engine, SAMPLE)
    async with db_engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM ip_search.trademark WHERE application_no = '000000001'")
        )

    found = await cards(db_engine)
    assert "000000001" not in found
    assert len(found) == 24
