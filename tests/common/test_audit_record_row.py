"""``RecordRow``: a trail's record id as a bound condition on the key of the record's table, or
nothing when the id can name no row (so the trail API answers 404, never a driver error)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import BigInteger, Column, Date, Integer, MetaData, SmallInteger, Table, Text

from common.audit.record_row import RecordRow
from common.audit.scope import AgencyRecords

METADATA = MetaData()
WATCH = Table("watch", METADATA, Column("id", BigInteger, primary_key=True))
MARK = Table("mark", METADATA, Column("number", Text, primary_key=True), Column("issued", Date))
VERSION = Table(
    "version",
    METADATA,
    Column("dataset_id", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("part", SmallInteger),
)


def _bound(row: RecordRow, record_id: str) -> tuple[str, list[Any]]:
    """The condition as compiled: SQL with placeholders, and the values apart."""
    condition = row.where(record_id)
    assert condition is not None, record_id
    compiled = condition.compile()
    return str(compiled), list(compiled.params.values())


def test_a_text_key_is_compared_as_a_bound_parameter_whatever_it_holds() -> None:
    hostile = "RC1' OR '1'='1"
    sql, values = _bound(RecordRow(MARK.c.number), hostile)
    assert values == [hostile]
    assert "OR" not in sql
    assert sql == "mark.number = :number_1"


def test_an_integer_key_takes_the_id_as_the_service_writes_it() -> None:
    row = RecordRow(WATCH.c.id)
    assert _bound(row, "42")[1] == [42]
    assert _bound(row, str(2**63 - 1))[1] == [2**63 - 1]
    for malformed in ["", "x", "0", "01", "-1", "+1", "1.0", " 1", "1 ", "１", "1/2", "9" * 20]:
        assert row.where(malformed) is None, malformed
    assert row.where(str(2**63)) is None  # past bigint: asyncpg would refuse the parameter


def test_the_range_is_the_columns_own() -> None:
    assert RecordRow(VERSION.c.version).where(str(2**31)) is None
    assert _bound(RecordRow(VERSION.c.version), str(2**31 - 1))[1] == [2**31 - 1]
    assert RecordRow(VERSION.c.part).where(str(2**15)) is None
    assert _bound(RecordRow(VERSION.c.part), str(2**15 - 1))[1] == [2**15 - 1]


def test_a_key_of_two_columns_is_named_by_both_joined_by_a_slash() -> None:
    row = RecordRow(VERSION.c.dataset_id, VERSION.c.version)
    assert row.table is VERSION
    sql, values = _bound(row, "trademark-register/3")
    assert values == ["trademark-register", 3]
    assert sql == "version.dataset_id = :dataset_id_1 AND version.version = :version_1"
    assert _bound(row, "a/b/3")[1] == ["a/b", 3]  # only the first part may hold a slash
    for malformed in ["trademark-register", "trademark-register/", "trademark-register/x"]:
        assert row.where(malformed) is None, malformed


def test_a_key_no_record_id_can_name_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="one table"):
        RecordRow()
    with pytest.raises(ValueError, match="one table"):
        RecordRow(MARK.c.number, VERSION.c.version)
    with pytest.raises(TypeError, match="neither text nor an integer"):
        RecordRow(MARK.c.issued)


def test_an_owner_refuses_rows_of_a_type_it_keeps_no_trail_of() -> None:
    audit = Table("audit_event", METADATA, Column("id", BigInteger, primary_key=True))
    rows = {"watch": RecordRow(WATCH.c.id), "mark": RecordRow(MARK.c.number)}
    with pytest.raises(ValueError, match="'mark'"):
        AgencyRecords("TIPO", {"watch"}, audit, rows)
    assert AgencyRecords("TIPO", {"watch", "mark"}, audit, rows).rows == rows
