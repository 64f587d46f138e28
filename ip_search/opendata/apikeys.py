"""API keys for bulk clients: random secrets stored only as a keyed hash.

The hash is HMAC-SHA256 with the blind-index key (``common.pii.blind_index``), so a database dump
neither reveals a key nor lets one be checked offline without the server's secret. Keys are
compared exactly: no case folding, which would throw away half of their entropy.
"""

from __future__ import annotations

import secrets

from common.pii.blind_index import BlindIndex

KEY_PREFIX = "tipo_od_"
HEADER = "X-API-Key"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _exact(value: str) -> str:
    return value


def key_hash(index: BlindIndex, key: str) -> str:
    return index.digest(key, table="api_key", column="key_hash", normalise=_exact).hex()


def display_prefix(key: str) -> str:
    """What a listing shows of a key: enough to tell keys apart, useless to an attacker."""
    return key[: len(KEY_PREFIX) + 4]
