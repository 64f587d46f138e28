"""How an incoming line relates to the stored current version of its (DECLNO, ITEMNO).

Pure: same content again is a duplicate (ingesting a batch twice changes nothing), other
content is an amendment, an explicit cancel is a cancellation; each new version supersedes the
current one.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

import orjson

from tax_exemption.declarations.schemas import DeclarationLineIn, LineAction

__all__ = ["Change", "classify", "content_hash"]


class Change(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    AMENDED = "amended"
    CANCELLED = "cancelled"


def content_hash(line: DeclarationLineIn) -> bytes:
    canonical = orjson.dumps(line.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).digest()


def classify(line: DeclarationLineIn, digest: bytes, current_hash: bytes | None) -> Change:
    if current_hash is not None and bytes(current_hash) == digest:
        return Change.DUPLICATE
    if line.action is LineAction.CANCEL:
        return Change.CANCELLED
    return Change.NEW if current_hash is None else Change.AMENDED


KIND_OF = {
    Change.NEW: "original",
    Change.AMENDED: "amendment",
    Change.CANCELLED: "cancellation",
}
