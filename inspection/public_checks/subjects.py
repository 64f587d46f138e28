"""What a public check is about, normalised the way people type it, and its cache keys.

Answers are cached per Taipei calendar date (validity flips at midnight Taipei, so a key never
outlives its day's answer); an officer's change deletes the keys of yesterday, today and
tomorrow around its instant, which covers any clock skew at the date line.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache

from common.caching import RedisCache
from common.errors import UnprocessableContent
from inspection.domain.identifiers import (
    InvalidIdentifier,
    parse_certificate_number,
    parse_cns_mark_number,
    parse_instrument_serial,
    parse_mark_id,
)
from inspection.domain.signed_status import SubjectKind
from inspection.domain.taipei_time import taipei_date

CACHE_VERSION = "v1"
NORMALISED_MEMO_SIZE = 4096
Subject = tuple[SubjectKind, str]


def normalise(kind: SubjectKind, raw: str) -> str:
    """The canonical identifier; 422 naming the expected shape when ``raw`` is not one."""
    try:
        return _normalised(kind, raw)
    except InvalidIdentifier as error:
        raise UnprocessableContent(str(error)) from None


@lru_cache(maxsize=NORMALISED_MEMO_SIZE)  # the same ids are checked all day; malformed ones raise
def _normalised(kind: SubjectKind, raw: str) -> str:
    if kind is SubjectKind.MARK:
        return str(parse_mark_id(raw))
    if kind is SubjectKind.CERTIFICATE:
        return str(parse_certificate_number(raw))
    if kind is SubjectKind.CNS_MARK:
        return parse_cns_mark_number(raw)
    return parse_instrument_serial(raw)


def cache_key(kind: SubjectKind, subject_id: str, now: datetime) -> str:
    return f"check:{CACHE_VERSION}:{kind.value}:{subject_id}:{taipei_date(now).isoformat()}"


def keys_around(subjects: Iterable[Subject], now: datetime) -> list[str]:
    days = (now - timedelta(days=1), now, now + timedelta(days=1))
    return [cache_key(kind, subject_id, day) for kind, subject_id in subjects for day in days]


async def forget(cache: RedisCache, subjects: Iterable[Subject], now: datetime) -> None:
    """Delete the cached answers of ``subjects`` (call after the change committed)."""
    await cache.invalidate(*keys_around(subjects, now))
