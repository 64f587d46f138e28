"""``Idempotency-Key`` on the driver path: no lock, no transaction, still one record per key.

A route on the driver path (``common.driver``) reads its row and the key's stored response in
one statement (``with_stored_response``, values from ``claim_params``) and, if there is one,
replays it (``common.idempotency.replayed``) before anything else. Otherwise its
``common.atomic_write`` statement stores the new response together with the change
(``response_follower`` with ``response_params``, which seals the body as
``common.idempotency`` does): both land or neither does.

Two requests with one key racing each other: the second one's statement waits for the first
to commit, then either finds the change's guards no longer hold (the first changed the row)
or fails on the key's primary key (``is_key_taken``). Either way the first response is
committed by then, and ``stored_on_driver`` finds it to replay: the client sees one outcome,
never a second record.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import asyncpg
from sqlalchemy import Select, Table, bindparam, select, true

from common.atomic_write import Follower, insert_per_change, prefixed
from common.driver import DriverStatement, Executor
from common.idempotency import (
    IdempotentRequest,
    KeyRecord,
    StoredResponse,
    kept_headers,
    seal_body,
)
from common.pii import FieldCipher

__all__ = [
    "claim_params",
    "is_key_taken",
    "response_follower",
    "response_params",
    "stored_in",
    "stored_on_driver",
    "with_stored_response",
]

PARAM_PREFIX = "idempotency_"
_RECORD_COLUMNS = ("request_hash", "response_status", "response_headers", "response_body")
_INSERTED_COLUMNS = ("owner", "key", "method", "path", *_RECORD_COLUMNS)


def claim_params(claim: IdempotentRequest) -> dict[str, Any]:
    """The values that find the claim's key in ``with_stored_response`` statements."""
    return prefixed(PARAM_PREFIX, {"owner": claim.owner, "key": claim.key})


def _record_of_key(table: Table) -> Select[Any]:
    return select(*(table.c[name].label(PARAM_PREFIX + name) for name in _RECORD_COLUMNS)).where(
        table.c.owner == bindparam(PARAM_PREFIX + "owner", type_=table.c.owner.type),
        table.c.key == bindparam(PARAM_PREFIX + "key", type_=table.c.key.type),
    )


def with_stored_response(query: Select[Any], table: Table) -> Select[Any]:
    """``query`` plus the key's stored response as columns (NULL when the key is new)."""
    stored = _record_of_key(table).lateral("stored_response")
    return query.outerjoin(stored, true()).add_columns(*stored.c)


def stored_in(row: asyncpg.Record) -> KeyRecord | None:
    """The key's record from a row of a ``with_stored_response`` statement."""
    request_hash = row[PARAM_PREFIX + "request_hash"]
    if request_hash is None:
        return None
    response = StoredResponse(
        int(row[PARAM_PREFIX + "response_status"]),
        dict(row[PARAM_PREFIX + "response_headers"]),
        bytes(row[PARAM_PREFIX + "response_body"]),
    )
    return KeyRecord(bytes(request_hash), response)


@cache
def _lookup(table: Table) -> DriverStatement:
    return DriverStatement(_record_of_key(table))


async def stored_on_driver(
    executor: Executor, table: Table, claim: IdempotentRequest
) -> KeyRecord | None:
    """The key's record, looked up on its own: after a statement lost a race to it."""
    row = await _lookup(table).fetch_one(executor, **claim_params(claim))
    return None if row is None else stored_in(row)


def response_follower(table: Table) -> Follower:
    """Stores the response with the change of a ``common.atomic_write`` statement."""
    return insert_per_change(table, _INSERTED_COLUMNS, PARAM_PREFIX)


def response_params(
    claim: IdempotentRequest, response: StoredResponse, cipher: FieldCipher
) -> dict[str, Any]:
    """The values of ``response_follower``: the claim and the response it gets (sealed)."""
    values = {
        "owner": claim.owner,
        "key": claim.key,
        "method": claim.method,
        "path": claim.path,
        "request_hash": claim.fingerprint,
        "response_status": response.status,
        "response_headers": kept_headers(response.headers),
        "response_body": seal_body(cipher, claim, response.body),
    }
    return prefixed(PARAM_PREFIX, values)


def is_key_taken(error: asyncpg.UniqueViolationError, table: Table) -> bool:
    """Whether the statement failed because another request stored this key first."""
    return error.table_name == table.name and error.schema_name == table.schema
