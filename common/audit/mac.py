"""The MACs of the audit chain: pure functions, no I/O.

``row_mac`` binds every column a writer sets, the id included, so a row can be neither edited
nor copied under another id. ``chain_mac`` links a sealed row to the one sealed before it, so
deleting, reordering or re-chaining sealed rows breaks the chain at that point. The HMAC key
lives in the application's settings; the database never sees it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import SecretStr

ROW_DOMAIN = b"moea-audit-row-v1\x00"
CHAIN_DOMAIN = b"moea-audit-chain-v1\x00"
GENESIS = bytes(32)  # the "previous chain MAC" of the first sealed row

CONTENT_COLUMNS = (
    "id",
    "occurred_at",
    "actor",
    "actor_role",
    "action",
    "record_type",
    "record_id",
    "outcome",
    "client_ip",
    "request_id",
    "details",
)


def audit_key(secret: SecretStr | str | bytes) -> bytes:
    if isinstance(secret, SecretStr):
        secret = secret.get_secret_value()
    return secret.encode() if isinstance(secret, str) else secret


def canonical(row: Mapping[Any, Any]) -> bytes:
    """A JSON array of the content columns in a fixed order; details with sorted keys."""
    values = [_canonical_value(row[name]) for name in CONTENT_COLUMNS]
    return orjson.dumps(values, option=orjson.OPT_SORT_KEYS)


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def row_mac(key: bytes, row: Mapping[Any, Any]) -> bytes:
    return hmac.new(key, ROW_DOMAIN + canonical(row), hashlib.sha256).digest()


def chain_mac(key: bytes, previous: bytes, row_mac_value: bytes, seq: int) -> bytes:
    message = CHAIN_DOMAIN + previous + row_mac_value + seq.to_bytes(8, "big")
    return hmac.new(key, message, hashlib.sha256).digest()
