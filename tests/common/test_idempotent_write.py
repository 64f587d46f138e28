"""Idempotency-Key on the driver path, on real PostgreSQL: the stored response comes with the
caller's read, is replayed only for the identical request, and is found after a lost race."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from common.driver import DriverPool, DriverStatement
from common.errors import UnprocessableContent
from common.idempotency import (
    REPLAYED_HEADER,
    IdempotentRequest,
    StoredResponse,
    replayed,
    seal_body,
)
from common.idempotent_write import (
    claim_params,
    stored_in,
    stored_on_driver,
    with_stored_response,
)
from common.pii import FieldCipher
from common.settings import ServiceSettings
from tax_exemption.models import platform_tables

OUTBOX, KEYS = platform_tables.outbox, platform_tables.idempotency_key
CLAIM = IdempotentRequest("firm:04595257", "k-1", "POST", "/filings", b"\x02" * 32)
RESPONSE = StoredResponse(201, {"content-type": "application/json", "etag": '"v1"'}, b'{"id":1}')
CIPHER = FieldCipher.from_settings(ServiceSettings())
# Any row of the caller's own, here an outbox message, read with the key's stored response.
MESSAGE_AND_KEY = DriverStatement(
    with_stored_response(select(OUTBOX.c.id).where(OUTBOX.c.id == bindparam("row_id")), KEYS)
)


@pytest.fixture
async def pool(database_url: str, clean_backends: None) -> AsyncIterator[DriverPool]:
    writes = DriverPool(
        ServiceSettings(database_url=database_url), purpose="test", size=2, read_only=False
    )
    yield writes
    await writes.close()


async def setup_rows(engine: AsyncEngine, *, store: bool) -> int:
    async with engine.begin() as connection:
        row_id = await connection.scalar(
            insert(OUTBOX).values(topic="filing.made", payload={}).returning(OUTBOX.c.id)
        )
        if store:
            await connection.execute(
                insert(KEYS).values(
                    owner=CLAIM.owner,
                    key=CLAIM.key,
                    method=CLAIM.method,
                    path=CLAIM.path,
                    request_hash=CLAIM.fingerprint,
                    response_status=RESPONSE.status,
                    response_headers=RESPONSE.headers,
                    response_body=seal_body(CIPHER, CLAIM, RESPONSE.body),
                )
            )
    return int(row_id or 0)


async def test_a_new_key_reads_as_none(pool: DriverPool, db_engine: AsyncEngine) -> None:
    row_id = await setup_rows(db_engine, store=False)
    async with pool.connection() as connection:
        row = await MESSAGE_AND_KEY.fetch_one(connection, row_id=row_id, **claim_params(CLAIM))
        alone = await stored_on_driver(connection, KEYS, CLAIM)

    assert row is not None and row["id"] == row_id  # the caller's row, key or no key
    assert stored_in(row) is None and alone is None


async def test_a_stored_response_is_replayed_for_the_same_request(
    pool: DriverPool, db_engine: AsyncEngine
) -> None:
    row_id = await setup_rows(db_engine, store=True)
    async with pool.connection() as connection:
        row = await MESSAGE_AND_KEY.fetch_one(connection, row_id=row_id, **claim_params(CLAIM))
        alone = await stored_on_driver(connection, KEYS, CLAIM)

    assert row is not None
    record = stored_in(row)
    assert record is not None and record == alone
    again = replayed(record, CLAIM, CIPHER)
    assert (again.status, again.body) == (RESPONSE.status, RESPONSE.body)
    assert again.headers == {**RESPONSE.headers, REPLAYED_HEADER: "true"}


async def test_a_key_reused_for_another_request_is_refused(
    pool: DriverPool, db_engine: AsyncEngine
) -> None:
    await setup_rows(db_engine, store=True)
    other_body = IdempotentRequest(CLAIM.owner, CLAIM.key, "POST", "/filings", b"\x03" * 32)
    async with pool.connection() as connection:
        record = await stored_on_driver(connection, KEYS, other_body)

    assert record is not None
    with pytest.raises(UnprocessableContent):
        replayed(record, other_body, CIPHER)


async def test_keys_belong_to_their_owner(pool: DriverPool, db_engine: AsyncEngine) -> None:
    await setup_rows(db_engine, store=True)
    stranger = IdempotentRequest("firm:22099131", CLAIM.key, "POST", "/filings", CLAIM.fingerprint)
    async with pool.connection() as connection:
        assert await stored_on_driver(connection, KEYS, stranger) is None
