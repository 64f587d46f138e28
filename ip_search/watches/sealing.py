"""A watch's webhook secret, sealed by the field cipher with the watch id bound in.

A sealed value copied to another watch's row does not open there, and a database dump alone
reveals no secret. ``moea reencrypt-pii`` moves old values to the active key (the manifest
declares the column).
"""

from __future__ import annotations

from common.pii import EncryptedColumn, FieldCipher

TABLE = "trademark_watch"
COLUMN = "webhook_secret_enc"
ENCRYPTED_COLUMN = EncryptedColumn(TABLE, "id", (COLUMN,))


def seal_secret(cipher: FieldCipher, watch_id: int, secret: str) -> bytes:
    return cipher.encrypt(secret, table=TABLE, column=COLUMN, row_key=str(watch_id))


def open_secret(cipher: FieldCipher, watch_id: int, sealed: bytes) -> str:
    return cipher.decrypt(sealed, table=TABLE, column=COLUMN, row_key=str(watch_id))
