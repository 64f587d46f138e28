"""Personal data at rest: AES-GCM field encryption with key rotation, keyed blind indexes, and
the re-encryption that moves old rows to the active key.
"""

from common.pii.blind_index import BlindIndex, normalise_digits, normalise_text
from common.pii.cipher import FieldCipher, PiiDecryptionError, key_id_of
from common.pii.columns import EncryptedColumn
from common.pii.dependencies import CipherDep, request_cipher
from common.pii.rotation import ReencryptionCount, reencrypt, reencrypt_database

__all__ = [
    "BlindIndex",
    "CipherDep",
    "EncryptedColumn",
    "FieldCipher",
    "PiiDecryptionError",
    "ReencryptionCount",
    "key_id_of",
    "normalise_digits",
    "normalise_text",
    "reencrypt",
    "reencrypt_database",
    "request_cipher",
]
