"""Personal-data encryption on a scratch table in the real database."""

from __future__ import annotations

import base64
import io
import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from common.pii import (
    BlindIndex,
    EncryptedColumn,
    FieldCipher,
    PiiDecryptionError,
    key_id_of,
    normalise_digits,
    reencrypt,
)
from common.settings import ServiceSettings

COLUMNS = ("name", "phone", "email", "national_id")
PEOPLE = EncryptedColumn(table="people", primary_key="id", columns=COLUMNS)
PERSONS = [
    ("歐陽翠蘭", "0912-345-678", "cuilan.ouyang@example.tw", "F223456789"),
    ("諸葛孔明", "0987-654-321", "kongming@example.tw", "A123456789"),
    ("司馬懿", "02-2345-6789", "sima.yi@example.tw", "B187654321"),
]
ROWS = 230  # a few batches of 100


def new_key() -> bytes:
    return os.urandom(32)


KEY_2025, KEY_2026 = new_key(), new_key()


def person(row_id: int) -> tuple[str, ...]:
    name, phone, email, national_id = PERSONS[row_id % len(PERSONS)]
    return f"{name}{row_id}", phone, email.replace("@", f"+{row_id}@"), national_id


@pytest.fixture
async def scratch_schema(db_engine: AsyncEngine) -> AsyncIterator[str]:
    schema = f"pii_test_{uuid.uuid4().hex[:8]}"
    async with db_engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.execute(
            text(
                f'CREATE TABLE "{schema}".people (id bigint PRIMARY KEY, name bytea, '
                "phone bytea, email bytea, national_id bytea, national_id_index bytea)"
            )
        )
    yield schema
    async with db_engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


async def insert_people(engine: AsyncEngine, schema: str, cipher: FieldCipher) -> None:
    index = BlindIndex(b"test-blind-index-key")
    rows = []
    for row_id in range(1, ROWS + 1):
        values = dict(zip(COLUMNS, person(row_id), strict=True))
        row = {
            column: cipher.encrypt(value, table="people", column=column, row_key=str(row_id))
            for column, value in values.items()
        }
        row["national_id_index"] = index.digest(
            values["national_id"], table="people", column="national_id"
        )
        rows.append({"id": row_id, **row})
    rows[0]["phone"] = None  # a missing value stays missing
    async with engine.begin() as connection:
        await connection.execute(
            text(
                f'INSERT INTO "{schema}".people VALUES '
                "(:id, :name, :phone, :email, :national_id, :national_id_index)"
            ),
            rows,
        )


async def stored(engine: AsyncEngine, schema: str) -> list[tuple[int, dict[str, bytes | None]]]:
    async with engine.connect() as connection:
        result = await connection.execute(
            text(f'SELECT id, {", ".join(COLUMNS)} FROM "{schema}".people ORDER BY id')
        )
        return [(row[0], dict(zip(COLUMNS, row[1:], strict=True))) for row in result]


async def test_a_dump_of_the_table_holds_no_plaintext(
    db_engine: AsyncEngine, database_url: str, scratch_schema: str
) -> None:
    await insert_people(db_engine, scratch_schema, FieldCipher({"k2025": KEY_2025}, "k2025"))
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    connection = await asyncpg.connect(dsn)
    try:
        dump = io.BytesIO()
        await connection.copy_from_table("people", schema_name=scratch_schema, output=dump)
    finally:
        await connection.close()
    data = dump.getvalue()
    assert data.count(b"\n") == ROWS  # the dump is real: every row is in it
    values = {value for row_id in (1, 2, 3, 150) for value in person(row_id)}
    values |= {value for row in PERSONS for value in row}
    needles = values | {value.split("@")[0] for value in values} | {"0912345678", "歐陽"}
    for needle in needles:
        assert needle.encode() not in data
        assert needle.encode().hex().encode() not in data  # nor as bytea hex


async def test_rotation_reencrypts_every_row_under_the_new_key(
    db_engine: AsyncEngine, scratch_schema: str
) -> None:
    old = FieldCipher({"k2025": KEY_2025}, "k2025")
    await insert_people(db_engine, scratch_schema, old)
    rotated = FieldCipher({"k2025": KEY_2025, "k2026": KEY_2026}, "k2026")

    counts = await reencrypt(db_engine, scratch_schema, [PEOPLE], rotated, batch_size=100)
    again = await reencrypt(db_engine, scratch_schema, [PEOPLE], rotated, batch_size=100)

    assert [(c.table, c.scanned, c.rewritten) for c in counts] == [("people", ROWS, ROWS)]
    assert [c.rewritten for c in again] == [0]
    only_new = FieldCipher({"k2026": KEY_2026}, "k2026")  # the old key may now be retired
    for row_id, blobs in await stored(db_engine, scratch_schema):
        expected = dict(zip(COLUMNS, person(row_id), strict=True))
        for column, blob in blobs.items():
            if blob is None:
                assert (row_id, column) == (1, "phone")
                continue
            assert key_id_of(blob) == "k2026"
            where = {"table": "people", "column": column, "row_key": str(row_id)}
            assert only_new.decrypt(blob, **where) == expected[column]


def test_a_value_moved_to_another_row_or_column_does_not_decrypt() -> None:
    cipher = FieldCipher({"k1": KEY_2025}, "k1")
    blob = cipher.encrypt("歐陽翠蘭", table="people", column="name", row_key="7")
    assert cipher.decrypt(blob, table="people", column="name", row_key="7") == "歐陽翠蘭"
    for where in (
        {"table": "people", "column": "name", "row_key": "8"},
        {"table": "people", "column": "email", "row_key": "7"},
        {"table": "owners", "column": "name", "row_key": "7"},
    ):
        with pytest.raises(PiiDecryptionError):
            cipher.decrypt(blob, **where)


def test_tampered_blobs_and_unknown_keys_are_refused() -> None:
    cipher = FieldCipher({"k1": KEY_2025, "k2": KEY_2026}, "k1")
    where = {"table": "people", "column": "name", "row_key": "1"}
    blob = cipher.encrypt("諸葛孔明", **where)
    flipped = blob[:-1] + bytes([blob[-1] ^ 1])
    relabelled = blob.replace(b"k1", b"k2", 1)  # claims the other key id
    for bad in (flipped, relabelled, blob[:10], b"\x02" + blob[1:], b""):
        with pytest.raises(PiiDecryptionError):
            cipher.decrypt(bad, **where)
    with pytest.raises(PiiDecryptionError, match="unknown key id"):
        FieldCipher({"k9": KEY_2026}, "k9").decrypt(blob, **where)


def test_needs_rotation_and_fresh_nonces() -> None:
    cipher = FieldCipher({"k1": KEY_2025, "k2": KEY_2026}, "k2")
    where = {"table": "people", "column": "phone", "row_key": "1"}
    old = FieldCipher({"k1": KEY_2025}, "k1").encrypt("0912-345-678", **where)
    new = cipher.encrypt("0912-345-678", **where)
    assert cipher.needs_rotation(old) and not cipher.needs_rotation(new)
    assert new != cipher.encrypt("0912-345-678", **where)  # same value, different ciphertext


def test_keys_are_checked() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        FieldCipher({"k1": b"short"}, "k1")
    with pytest.raises(ValueError, match="active key id"):
        FieldCipher({"k1": KEY_2025}, "k2")


def test_from_settings_reads_base64_keys() -> None:
    settings = ServiceSettings(
        pii_keys={
            "a": base64.b64encode(KEY_2025).decode(),
            "b": base64.b64encode(KEY_2026).decode(),
        },
        pii_active_key_id="b",
    )
    cipher = FieldCipher.from_settings(settings)
    blob = cipher.encrypt("x", table="t", column="c", row_key="1")
    assert key_id_of(blob) == "b"
    assert (
        FieldCipher({"b": KEY_2026}, "b").decrypt(blob, table="t", column="c", row_key="1") == "x"
    )


async def test_blind_index_finds_exact_matches_per_column(
    db_engine: AsyncEngine, scratch_schema: str
) -> None:
    await insert_people(db_engine, scratch_schema, FieldCipher({"k": KEY_2025}, "k"))
    index = BlindIndex(b"test-blind-index-key")
    typed = "  ａ１２３４５６７８９ "  # full-width, lower case, padded: still A123456789
    digest = index.digest(typed, table="people", column="national_id")
    async with db_engine.connect() as connection:
        found = await connection.execute(
            text(
                f'SELECT id FROM "{scratch_schema}".people WHERE national_id_index = :d ORDER BY id'
            ),
            {"d": digest},
        )
        ids = list(found.scalars())
    assert ids == [row_id for row_id in range(1, ROWS + 1) if person(row_id)[3] == "A123456789"]
    assert len(ids) > 1
    assert digest != index.digest("A123456789", table="people", column="owner_national_id")
    assert digest != index.digest("A123456789", table="owners", column="national_id")
    assert digest != BlindIndex(b"other-key").digest(
        "A123456789", table="people", column="national_id"
    )
    assert digest != index.digest("A123456788", table="people", column="national_id")


def test_digit_normalisation_for_phone_numbers() -> None:
    index = BlindIndex(b"k")
    typed = [
        index.digest(phone, table="people", column="phone", normalise=normalise_digits)
        for phone in ("0912-345-678", "0912 345 678", "(0912)345678", "０９１２３４５６７８")
    ]
    assert len(set(typed)) == 1
