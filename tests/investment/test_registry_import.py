"""Importing dataset 6569 into PostgreSQL: every sample row mapped, idempotent re-imports with
a change report, bad files refused whole with an error per line, owners' names encrypted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from investment.cli import describe
from investment.factories.runner import import_registry_file
from investment.registry import parse_registry_file
from investment.settings import InvestmentSettings

SAMPLE = Path(__file__).parent / "data" / "factory_registry_sample_redacted.csv"
HEADER = (
    "工廠名稱,工廠登記編號,工廠設立許可案號,工廠地址,工廠市鎮鄉村里,工廠負責人姓名,統一編號,"
    "工廠組織型態,工廠設立核准日期,工廠登記核准日期,工廠登記狀態,產業類別,主要產品"
)
GOOD = (
    "好工廠有限公司,99667269,,基隆市中正區社寮里和一路1號,基隆市中正區社寮里,王小明,00941143,"
    "有限公司,0750705,0750710,生產中,29機械設備製造業,293通用機械設備"
)


@pytest.fixture
def settings(settings_overrides: dict[str, Any], clean_backends: None) -> InvestmentSettings:
    return InvestmentSettings(**settings_overrides)


async def factories(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT registration_number, name, county_code, township, industry_codes, "
                "in_registry, owner_name FROM investment.factory ORDER BY registration_number"
            )
        )
        return [tuple(row) for row in rows]


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "registry.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_the_shared_sample_maps_every_row(
    db_engine: AsyncEngine, settings: InvestmentSettings
) -> None:
    report = await import_registry_file(db_engine, SAMPLE, settings)
    assert report.applied and report.row_errors == ()
    assert report.summary()["added"] == 420
    parsed = {r.registration_number: r for r in parse_registry_file(SAMPLE).records}
    stored = await factories(db_engine)
    assert len(stored) == 420
    for number, name, county, township, industries, in_registry, _owner in stored:
        record = parsed[number]
        assert (name, county, township) == (record.name, record.county_code, record.township)
        assert set(industries) == record.industry_codes and in_registry
    assert {row[2] for row in stored} == {"09007", "09020", "10016", "10017"}


async def test_a_reimport_changes_nothing_and_a_new_release_reports_changes(
    db_engine: AsyncEngine, settings: InvestmentSettings, tmp_path: Path
) -> None:
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    await import_registry_file(db_engine, SAMPLE, settings)
    again = await import_registry_file(db_engine, SAMPLE, settings)
    assert again.summary() == {
        "parsed": 420,
        "row_errors": 0,
        "added": 0,
        "changed": 0,
        "removed": 0,
        "unchanged": 420,
    }
    renamed = lines[1].replace(lines[1].split(",")[0], "改名工廠股份有限公司", 1)
    release = write(tmp_path, lines[0], renamed, *lines[3:])  # line 2 renamed, line 3 dropped
    report = await import_registry_file(db_engine, release, settings)
    assert report.summary()["changed"] == 1 and report.summary()["removed"] == 1
    assert report.changes is not None
    assert report.changes.changed[0].fields == ("name",)
    stored = {row[0]: row for row in await factories(db_engine)}
    assert len(stored) == 420  # the delisted factory is kept, marked
    removed = report.changes.removed[0].registration_number
    assert stored[removed][5] is False
    assert "changed" in describe(report) and "delisted" in describe(report)


async def test_a_malformed_csv_gets_an_error_per_line_and_changes_nothing(
    db_engine: AsyncEngine, settings: InvestmentSettings, tmp_path: Path
) -> None:
    await import_registry_file(db_engine, SAMPLE, settings)
    before = await factories(db_engine)
    bad_date = GOOD.replace("0750705", "0751340").replace("99667269", "99667270")
    bad_id = GOOD.replace("00941143", "12345678").replace("99667269", "99667271")
    path = write(tmp_path, HEADER, GOOD, bad_date, bad_id, "only,three,fields")
    report = await import_registry_file(db_engine, path, settings)
    assert not report.applied
    assert [(e.line, e.column) for e in report.row_errors] == [
        (3, "工廠設立核准日期"),
        (4, "統一編號"),
        (5, None),
    ]
    assert "line 3, column 工廠設立核准日期" in describe(report)
    assert await factories(db_engine) == before


async def test_a_file_that_is_not_the_registry_is_refused(
    db_engine: AsyncEngine, settings: InvestmentSettings, tmp_path: Path
) -> None:
    report = await import_registry_file(db_engine, write(tmp_path, "a,b,c", "1,2,3"), settings)
    assert not report.applied and report.refused_because
    assert await factories(db_engine) == []


async def test_owner_names_are_stored_encrypted(
    db_engine: AsyncEngine, settings: InvestmentSettings, tmp_path: Path
) -> None:
    report = await import_registry_file(db_engine, write(tmp_path, HEADER, GOOD), settings)
    assert report.applied
    [row] = await factories(db_engine)
    assert row[6] is not None and "王小明".encode() not in bytes(row[6])
