"""``FieldCipher``: AES-256-GCM encryption of one field of one row.

Blob layout (version 1)::

    0x01 | len(key_id) (1 byte) | key_id (ASCII) | nonce (12 bytes) | ciphertext + tag (16 bytes)

The associated data binds the header, the table, the column and the row key, so a value copied
to another row or column (or with its key id swapped) fails to decrypt rather than being read
as someone else's data. Keys come from settings (``pii_keys``, ``pii_active_key_id``): new values
use the active key; old key ids stay readable until ``reencrypt`` has moved every row.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr

from common.settings import ServiceSettings

VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32
_AAD_DOMAIN = b"moea-pii-v1"


class PiiDecryptionError(Exception):
    """A blob that is malformed, tampered with, misplaced, or under an unknown key."""


class FieldCipher:
    def __init__(self, keys: Mapping[str, bytes], active_key_id: str) -> None:
        for key_id, key in keys.items():
            _check_key(key_id, key)
        if active_key_id not in keys:
            raise ValueError(f"active key id {active_key_id!r} names no key")
        self._aeads = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.active_key_id = active_key_id

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> FieldCipher:
        return cls(decode_keys(settings.pii_keys), settings.pii_active_key_id)

    def encrypt(self, value: str, *, table: str, column: str, row_key: str) -> bytes:
        return self.encrypt_bytes(value.encode(), table=table, column=column, row_key=row_key)

    def decrypt(self, blob: bytes, *, table: str, column: str, row_key: str) -> str:
        return self.decrypt_bytes(blob, table=table, column=column, row_key=row_key).decode()

    def encrypt_bytes(self, value: bytes, *, table: str, column: str, row_key: str) -> bytes:
        """``encrypt`` for a value that is not text (a stored response body, say)."""
        header = _header(self.active_key_id)
        nonce = os.urandom(NONCE_BYTES)
        aad = _associated_data(header, table, column, row_key)
        sealed = self._aeads[self.active_key_id].encrypt(nonce, value, aad)
        return header + nonce + sealed

    def decrypt_bytes(self, blob: bytes, *, table: str, column: str, row_key: str) -> bytes:
        key_id, body_at = parse_header(blob)
        aead = self._aeads.get(key_id)
        if aead is None:
            raise PiiDecryptionError(f"unknown key id {key_id!r}")
        nonce, sealed = blob[body_at : body_at + NONCE_BYTES], blob[body_at + NONCE_BYTES :]
        aad = _associated_data(blob[:body_at], table, column, row_key)
        try:
            return aead.decrypt(nonce, sealed, aad)
        except InvalidTag as exc:
            raise PiiDecryptionError("value does not belong here or was altered") from exc

    def needs_rotation(self, blob: bytes) -> bool:
        """True when ``blob`` was written under another key (or format) than the active one."""
        return parse_header(blob)[0] != self.active_key_id


def key_id_of(blob: bytes) -> str:
    return parse_header(blob)[0]


def parse_header(blob: bytes) -> tuple[str, int]:
    """The key id and the offset of the nonce; malformed blobs are refused."""
    if len(blob) < 2 or blob[0] != VERSION:
        raise PiiDecryptionError("not a version-1 encrypted field")
    body_at = 2 + blob[1]
    if len(blob) < body_at + NONCE_BYTES + 16:
        raise PiiDecryptionError("encrypted field is truncated")
    try:
        return blob[2:body_at].decode("ascii"), body_at
    except UnicodeDecodeError as exc:
        raise PiiDecryptionError("encrypted field has a malformed key id") from exc


def decode_keys(keys: Mapping[str, SecretStr]) -> dict[str, bytes]:
    return {key_id: base64.b64decode(secret.get_secret_value()) for key_id, secret in keys.items()}


def _check_key(key_id: str, key: bytes) -> None:
    if not key_id or len(key_id) > 255 or not key_id.isascii():
        raise ValueError(f"key id {key_id!r} must be 1-255 ASCII characters")
    if len(key) != KEY_BYTES:
        raise ValueError(f"key {key_id!r} must be {KEY_BYTES} bytes (AES-256)")


def _header(key_id: str) -> bytes:
    encoded = key_id.encode("ascii")
    return bytes((VERSION, len(encoded))) + encoded


def _associated_data(header: bytes, *parts: str) -> bytes:
    # Length-prefixed, so ("ab", "c") and ("a", "bc") never collide.
    fields = [_AAD_DOMAIN, header, *(part.encode() for part in parts)]
    return b"".join(len(field).to_bytes(4, "big") + field for field in fields)
