"""``Idempotency-Key`` on creating POSTs: a retry gets the first response, never a second record.

A route opts in with ``IdempotencyDep`` (or ``dependencies=[Depends(idempotent_request)]``).
For a request that carries the header:

1. the dependency takes a transaction-scoped advisory lock on (schema, owner, key) on the
   request's own session. If another transaction holds it, the first request is still in
   flight: 409. Its commit or rollback releases the lock; there is nothing to clean up.
2. a stored response for the key is replayed (same status, body and headers, plus
   ``Idempotent-Replayed: true``) when the request fingerprint matches, else 422. The replay
   leaves the dependency as an ``IdempotentReplay`` exception that ``install_idempotency``'s
   handler turns into the stored response, so the endpoint never runs.
3. otherwise the endpoint runs, and a before-commit hook of ``CommittingRoute`` stores its
   2xx/3xx response in the same transaction as the endpoint's writes. An error rolls both
   back, so a retry after a failure runs afresh.

Routes on the driver path get the same guarantees without the lock and the transaction from
``common.idempotent_write``, which shares this module's claims, records and replays.

Owners: keys are scoped to the principal's subject; anonymous callers share the owner
``anonymous``. That is safe because a replay needs the key AND the identical request (method,
path, query and body bytes), so only someone already holding the whole request sees its response.
Keys are kept at least ``KEY_LIFETIME``; the worker calls ``purge_expired_keys`` to drop older ones.

Stored bodies are encrypted with the app's ``FieldCipher`` (``seal_body``), bound to owner and
key: the response to a creating POST often repeats the personal data just sent (a filing's
contact person), and a database dump must not reveal it. These rows expire rather than being
re-encrypted, so a rotated-out PII key must stay readable for ``KEY_LIFETIME``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request, Response
from sqlalchemy import (
    BigInteger,
    Insert,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from common.auth.middleware import principal_of
from common.database import SAFE_METHODS, SessionDep
from common.errors import PROBLEM_MEDIA_TYPE, Conflict, Problem, UnprocessableContent
from common.pii import FieldCipher
from common.pii.cipher import VERSION

__all__ = [
    "IDEMPOTENCY_HEADER",
    "IDEMPOTENCY_RESPONSES",
    "KEY_LIFETIME",
    "REPLAYED_HEADER",
    "IdempotencyDep",
    "IdempotencyKeyHeader",
    "IdempotentReplay",
    "IdempotentRequest",
    "KeyRecord",
    "StoredResponse",
    "claim_request",
    "idempotent_request",
    "install_idempotency",
    "kept_headers",
    "purge_expired_keys",
    "replayed",
    "seal_body",
    "store_response",
]

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_LIFETIME = timedelta(hours=24)
KEY_PATTERN = r"^[\x20-\x7e]{1,255}$"  # 1-255 printable ASCII characters
# Headers that describe the created resource; anything else (cookies, rate limits) is per request.
STORED_HEADERS = frozenset(
    {"content-type", "location", "content-location", "etag", "last-modified", "link"}
)

IDEMPOTENCY_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Problem,
        "content": {PROBLEM_MEDIA_TYPE: {}},
        "description": "A request with this Idempotency-Key is still in flight",
    },
    422: {
        "model": Problem,
        "content": {PROBLEM_MEDIA_TYPE: {}},
        "description": "Invalid input, or an Idempotency-Key reused for a different request",
    },
}
"""Add to ``responses=`` of an idempotent route so clients see its extra outcomes."""


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias=IDEMPOTENCY_HEADER,
        pattern=KEY_PATTERN,
        description="Retry-safe key: a retry with the same key and body replays the "
        "first response instead of creating a second record.",
    ),
]


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    """A request's claim on its key: who, which key, and the request that came with it."""

    owner: str
    key: str
    method: str
    path: str
    fingerprint: bytes


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response as kept for replay: status, the headers that describe the resource, body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def to_response(self) -> Response:
        return Response(content=self.body, status_code=self.status, headers=self.headers)


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """What the table holds for a key: the first request's fingerprint and its response."""

    request_hash: bytes
    response: StoredResponse


class IdempotentReplay(Exception):
    """Carries a stored response out of the dependency, past the endpoint, to the client."""

    def __init__(self, response: Response) -> None:
        super().__init__("idempotent replay")
        self.response = response


async def idempotent_request(
    request: Request, session: SessionDep, key: IdempotencyKeyHeader = None
) -> IdempotentRequest | None:
    """Lock the key, replay or refuse a reuse, or let the endpoint run (see module docstring)."""
    if key is None or request.method in SAFE_METHODS:
        return None
    _require_installed(request.app)
    claim = await claim_request(request, key)
    table = _table(request)
    if not await _try_lock(session, table, claim):
        raise Conflict(
            "a request with this Idempotency-Key is still being processed; retry later",
            headers={"Retry-After": "1"},
        )
    stored = await _stored(session, table, claim)
    if stored is not None:
        raise IdempotentReplay(replayed(stored, claim, _cipher(request)).to_response())
    request.state.idempotency = claim
    return claim


IdempotencyDep = Annotated[IdempotentRequest | None, Depends(idempotent_request)]


async def claim_request(request: Request, key: str) -> IdempotentRequest:
    """The request's claim on ``key``: its owner, target and fingerprint."""
    return IdempotentRequest(
        owner=principal_of(request.scope).subject,
        key=key,
        method=request.method,
        path=_target(request),
        fingerprint=await _fingerprint(request),
    )


async def store_response(request: Request, response: Response, session: AsyncSession) -> None:
    """Before-commit hook: keep a successful response of a claimed key with the writes."""
    claim: IdempotentRequest | None = getattr(request.state, "idempotency", None)
    if claim is None or response.status_code >= 400:
        return
    body = getattr(response, "body", None)
    if not isinstance(body, bytes):
        # A streamed body cannot be replayed; storing nothing would allow a second record.
        raise TypeError("an idempotent route must return a buffered response")
    values = {
        "owner": claim.owner,
        "key": claim.key,
        "method": claim.method,
        "path": claim.path,
        "request_hash": claim.fingerprint,
        "response_status": response.status_code,
        "response_headers": kept_headers(response.headers),
        "response_body": seal_body(_cipher(request), claim, body),
    }
    await session.execute(_statements(_table(request)).insert, values)


def install_idempotency(app: FastAPI) -> None:
    """Register the replay handler and the before-commit hook (the app factory calls this)."""
    app.add_exception_handler(IdempotentReplay, _on_replay)
    app.state.before_commit.append(store_response)


async def purge_expired_keys(
    connection: AsyncConnection, table: Table, *, older_than: timedelta = KEY_LIFETIME
) -> int:
    """Delete keys older than ``older_than``; returns how many. For the worker's schedule."""
    result = await connection.execute(
        delete(table).where(table.c.created_at < func.now() - older_than)
    )
    return result.rowcount


async def _on_replay(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IdempotentReplay)
    return exc.response


def _require_installed(app: FastAPI) -> None:
    if store_response not in getattr(app.state, "before_commit", ()):
        raise RuntimeError("idempotent routes need install_idempotency(app)")


def _table(request: Request) -> Table:
    table: Table = request.app.state.tables.idempotency_key
    return table


def _cipher(request: Request) -> FieldCipher:
    cipher: FieldCipher = request.app.state.pii_cipher
    return cipher


def _target(request: Request) -> str:
    query = request.url.query
    return f"{request.url.path}?{query}" if query else request.url.path


async def _fingerprint(request: Request) -> bytes:
    digest = hashlib.sha256()
    for part in (request.method.encode(), _target(request).encode(), await request.body()):
        digest.update(len(part).to_bytes(8, "big"))  # length-prefixed: no ambiguous joins
        digest.update(part)
    return digest.digest()


def _lock_id(table: Table, claim: IdempotentRequest) -> int:
    """A 64-bit advisory lock id; the schema keeps services sharing a database apart."""
    material = "\0".join((table.schema or "", claim.owner, claim.key)).encode()
    return int.from_bytes(hashlib.sha256(material).digest()[:8], "big", signed=True)


# Statements are built once and take their values as parameters: building them per request
# cost more Python time than the round trips themselves.
_TRY_LOCK = select(func.pg_try_advisory_xact_lock(bindparam("lock_id", type_=BigInteger)))


@dataclass(frozen=True, slots=True)
class _Statements:
    stored: Select[Any]
    insert: Insert


@cache
def _statements(table: Table) -> _Statements:
    stored = select(
        table.c.request_hash,
        table.c.response_status,
        table.c.response_headers,
        table.c.response_body,
    ).where(table.c.owner == bindparam("claim_owner"), table.c.key == bindparam("claim_key"))
    return _Statements(stored, insert(table))


async def _try_lock(session: AsyncSession, table: Table, claim: IdempotentRequest) -> bool:
    locked = await session.scalar(_TRY_LOCK, {"lock_id": _lock_id(table, claim)})
    return bool(locked)


async def _stored(
    session: AsyncSession, table: Table, claim: IdempotentRequest
) -> KeyRecord | None:
    params = {"claim_owner": claim.owner, "claim_key": claim.key}
    row = (await session.execute(_statements(table).stored, params)).first()
    if row is None:
        return None
    return KeyRecord(bytes(row[0]), StoredResponse(int(row[1]), dict(row[2]), bytes(row[3])))


def replayed(record: KeyRecord, claim: IdempotentRequest, cipher: FieldCipher) -> StoredResponse:
    """The first response again, marked as a replay; 422 if the key came with another request."""
    if record.request_hash != claim.fingerprint:
        raise UnprocessableContent(
            "this Idempotency-Key was already used for a different request; use a new key"
        )
    stored = record.response
    body = _opened_body(cipher, claim, stored.body)
    return StoredResponse(stored.status, {**stored.headers, REPLAYED_HEADER: "true"}, body)


def seal_body(cipher: FieldCipher, claim: IdempotentRequest, body: bytes) -> bytes:
    """A response body as stored: encrypted, and bound to its owner and key."""
    return cipher.encrypt_bytes(body, **_sealed_at(claim))


def _opened_body(cipher: FieldCipher, claim: IdempotentRequest, stored: bytes) -> bytes:
    if stored[:1] != bytes((VERSION,)):
        # Stored before bodies were sealed (a JSON or text body never starts with 0x01);
        # such rows are purged within KEY_LIFETIME of the upgrade.
        return stored
    return cipher.decrypt_bytes(stored, **_sealed_at(claim))


def _sealed_at(claim: IdempotentRequest) -> dict[str, str]:
    # A JSON pair: no owner/key split can make two claims share one row key.
    row_key = json.dumps([claim.owner, claim.key])
    return {"table": "idempotency_key", "column": "response_body", "row_key": row_key}


def kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers worth replaying: those that describe the created resource."""
    return {name: value for name, value in headers.items() if name.lower() in STORED_HEADERS}
