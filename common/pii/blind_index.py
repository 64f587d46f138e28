"""Keyed blind indexes: exact lookup on an encrypted column without decrypting every row.

``HMAC-SHA256(blind_index_key, table || column || normalised value)``. Mixing in the table and
column means equal values in two columns (a phone number stored as a contact and as an owner)
give unrelated digests, so the index cannot link them. Without the key, the digest of a guessed
ID number cannot be computed, unlike a plain hash of a 10-character national ID.

Normalisation (``normalise_text``, the default): Unicode NFKC (full-width ``Ａ１２３`` equals
``A123``), whitespace runs collapsed and stripped, then casefolded (``a123456789`` finds
``A123456789``). ``normalise_digits`` keeps digits only, for phone numbers typed with spaces,
dashes or parentheses. Use the same normaliser to write and to look up.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable

from pydantic import SecretStr

from common.settings import ServiceSettings

Normaliser = Callable[[str], str]

_DOMAIN = b"moea-blind-index-v1"
_WHITESPACE = re.compile(r"\s+")


def normalise_text(value: str) -> str:
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", value)).strip().casefold()


def normalise_digits(value: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKC", value) if char.isdigit())


class BlindIndex:
    def __init__(self, key: SecretStr | bytes) -> None:
        self._key = key.get_secret_value().encode() if isinstance(key, SecretStr) else key

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> BlindIndex:
        return cls(settings.blind_index_key)

    def digest(
        self,
        value: str,
        *,
        table: str,
        column: str,
        normalise: Normaliser = normalise_text,
    ) -> bytes:
        parts = (_DOMAIN, table.encode(), column.encode(), normalise(value).encode())
        message = b"".join(len(part).to_bytes(4, "big") + part for part in parts)
        return hmac.new(self._key, message, hashlib.sha256).digest()
