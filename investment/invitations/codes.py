"""Invitation codes: 60 random bits, easy to type, stored only as a keyed hash.

Twelve characters of a 32-letter alphabet without 0/O/1/I (no misreads on a printed letter),
shown as XXXX-XXXX-XXXX. The database keeps HMAC-SHA256(key, code): a dump alone redeems
nothing, and without the key a code cannot be guessed offline against the hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12
GROUP = 4
_SEPARATORS = str.maketrans("", "", "- \t")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(code: str) -> str:
    """What the holder typed, without separators, upper-cased."""
    return code.translate(_SEPARATORS).upper()


def is_well_formed(code: str) -> bool:
    plain = normalise(code)
    return len(plain) == LENGTH and all(char in ALPHABET for char in plain)


def code_hash(key: bytes, code: str) -> bytes:
    return hmac.new(key, normalise(code).encode("ascii", "replace"), hashlib.sha256).digest()
