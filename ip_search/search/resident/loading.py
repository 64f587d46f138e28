"""Reading the resident index from PostgreSQL: cards, key postings and texts in one snapshot.

The statements are constants (no value comes from a user, hence the S608 suppression).

Everything is read in one REPEATABLE READ transaction, the ``data_as_of`` stamp included, so
the index is exactly the register as of that stamp (an import committing meanwhile shows in the
next load). PostgreSQL numbers the marks (``row_number`` over ``application_no``, the order the
cards are read in) and aggregates each key's postings in the posting index's order, so Python
handles one row per key instead of one per posting. Rows come through a cursor in chunks, and
the arrays are finished in a worker thread: the event loop keeps serving searches, from
PostgreSQL, while a load runs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg
import numpy as np
import numpy.typing as npt
from asyncpg import Record

from common.gc_tuning import collector_paused
from ip_search.search.resident import trigrams
from ip_search.search.resident.filters import FACET_BITS, class_mask
from ip_search.search.resident.index import Ordinals, ResidentIndex, text_hash
from ip_search.search.resident.trigrams import WordTrigrams

CHUNK_ROWS = 20_000
LOAD_TIMEOUT_MS = 600_000
"""A load's statements may run longer than a request's (their ``statement_timeout``)."""

STAMP = "SELECT max(finished_at) FROM ip_search.import_run WHERE status = 'finished'"
CARDS = (
    "SELECT json_build_array(application_no, registration_no, name, status, kind, "
    "nice_classes, class_codes, groups, filing_date)::text, scoring_keys, nice_classes, "
    "status, kind "
    "FROM ip_search.mark_card ORDER BY application_no"
)
_ORDINALS = (
    "WITH o AS (SELECT application_no, "
    "(row_number() OVER (ORDER BY application_no) - 1)::int4 AS ordinal "
    "FROM ip_search.mark_card) "
)


POSTING = np.dtype([("mark", ">i4"), ("length", ">i2")])
"""A posting as the load reads it: the mark's ordinal and length, big-endian (``int4send``,
``int2send``)."""


def _postings_statement(table: str, key: str) -> str:
    """Each key of ``table`` with its postings in the posting index's order, as ``POSTING``
    records in one bytea: numpy reads them as they are, where an int[] would become a Python
    int per posting. One ordered aggregate, not one for the ordinals and one for the lengths:
    PostgreSQL sorts each key's postings once (1,000,016 marks: the sounds statement took 4.8
    instead of 6.2 s of its CPU, and the whole load 19.5 instead of 24 s)."""
    order = "ORDER BY k.mark_length, k.application_no"
    return (
        f"{_ORDINALS}SELECT k.{key}, "  # noqa: S608
        f"string_agg(int4send(o.ordinal) || int2send(k.mark_length), ''::bytea {order}) "
        f"FROM ip_search.{table} k JOIN o USING (application_no) GROUP BY k.{key}"
    )


GRAMS = _postings_statement("mark_gram", "gram")
SOUNDS = _postings_statement("mark_sound", "key")
TEXTS = (
    _ORDINALS + "SELECT m.compact, o.ordinal FROM ip_search.mark_text m "  # noqa: S608
    "JOIN o USING (application_no) ORDER BY m.application_no, m.position"
)


async def _chunks(
    connection: asyncpg.Connection[Record], query: str
) -> AsyncIterator[list[Record]]:
    cursor = await connection.cursor(query)
    while rows := await cursor.fetch(CHUNK_ROWS):
        yield rows


@dataclass(slots=True)
class _Parts:
    """What the rows gave, before the arrays are finished."""

    filter_words: list[int] = field(default_factory=list)
    """Each mark's filter word (``filters``)."""
    facets: dict[tuple[str, str], int] = field(default_factory=dict)
    """The bit of each (status, kind) pair met so far, while ``FACET_BITS`` last."""
    cards: bytearray = field(default_factory=bytearray)
    offsets: list[int] = field(default_factory=lambda: [0])
    keys: bytearray = field(default_factory=bytearray)
    key_offsets: list[int] = field(default_factory=lambda: [0])
    grams: dict[str, bytes] = field(default_factory=dict)
    sounds: dict[str, bytes] = field(default_factory=dict)
    hashes: list[int] = field(default_factory=list)
    text_marks: list[int] = field(default_factory=list)
    texts: bytearray = field(default_factory=bytearray)
    text_offsets: list[int] = field(default_factory=lambda: [0])
    trigrams_as_assumed: bool = False


async def load_index(connection: asyncpg.Connection[Record]) -> ResidentIndex:
    """The register's resident index, read on ``connection`` (see the module's docstring)."""
    parts = _Parts()
    # The rows make millions of objects: full collections they set off would stop the loop.
    with collector_paused():
        stamp = await _read(connection, parts)
    return await asyncio.to_thread(_finish, stamp, parts)


async def _read(connection: asyncpg.Connection[Record], parts: _Parts) -> dt.datetime | None:
    """The rows into ``parts``, in one snapshot; the register's ``data_as_of`` in it."""
    async with connection.transaction(isolation="repeatable_read", readonly=True):
        await connection.execute(f"SET LOCAL statement_timeout = {LOAD_TIMEOUT_MS}")
        stamp: dt.datetime | None = await connection.fetchval(STAMP)
        if trigrams.available():
            # show_trgm loads pg_trgm, whose threshold setting exists only from then on.
            parts.trigrams_as_assumed = bool(await connection.fetchval(trigrams.AS_ASSUMED))
        async for rows in _chunks(connection, CARDS):
            for card, keys, classes, status, kind in rows:
                parts.cards += card.encode()
                parts.offsets.append(len(parts.cards))
                parts.keys += keys.encode()
                parts.key_offsets.append(len(parts.keys))
                word = class_mask(classes) | _facet_bit(parts.facets, status, kind)
                parts.filter_words.append(word)
        for query, postings in ((GRAMS, parts.grams), (SOUNDS, parts.sounds)):
            async for rows in _chunks(connection, query):
                for key, records in rows:
                    postings[key] = records
        async for rows in _chunks(connection, TEXTS):
            for compact, ordinal in rows:
                parts.hashes.append(text_hash(compact))
                parts.text_marks.append(ordinal)
                parts.texts += compact.encode()
                parts.text_offsets.append(len(parts.texts))
    return stamp


def _facet_bit(facets: dict[tuple[str, str], int], status: str, kind: str) -> int:
    """The filter-word bit of this (status, kind) pair, a new one for a pair not met yet; 0
    once the bits ran out (``_finish`` then gives the index no facets)."""
    bit = facets.get((status, kind))
    if bit is None:
        bit = facets[status, kind] = FACET_BITS.start + len(facets)
    return 1 << bit if bit in FACET_BITS else 0


def _finish(stamp: dt.datetime | None, parts: _Parts) -> ResidentIndex:
    """The arrays of the index (numpy work, which releases the GIL for its sorts)."""
    lengths = np.zeros(len(parts.filter_words), dtype=np.int16)
    grams = _postings(parts.grams, lengths)
    sounds = _postings(parts.sounds, lengths)
    hashes = np.array(parts.hashes, dtype=np.int64)
    text_marks = np.array(parts.text_marks, dtype=np.int32)
    # Stable: within one hash the rows keep their (number, position) order.
    order = np.argsort(hashes, kind="stable")
    words = None
    if parts.trigrams_as_assumed:
        offsets = np.array(parts.text_offsets, dtype=np.int64)
        words = WordTrigrams.build(bytes(parts.texts), offsets, text_marks)
    return ResidentIndex(
        stamp=stamp,
        filter_words=np.array(parts.filter_words, dtype=np.uint64),
        lengths=lengths,
        cards=parts.cards,
        card_offsets=np.array(parts.offsets, dtype=np.int64),
        keys=parts.keys,
        key_offsets=np.array(parts.key_offsets, dtype=np.int64),
        grams=grams,
        sounds=sounds,
        text_hashes=hashes[order],
        text_marks=text_marks[order],
        facets=parts.facets if len(parts.facets) <= len(FACET_BITS) else None,
        words=words,
    )


def _postings(rows: dict[str, bytes], lengths: npt.NDArray[np.int16]) -> dict[str, Ordinals]:
    """Each key's ordinals as an array; ``lengths`` learns each mark's length on the way."""
    postings: dict[str, Ordinals] = {}
    for key, records in rows.items():
        read = np.frombuffer(records, dtype=POSTING)
        ordinals = read["mark"].astype(np.int32)
        lengths[ordinals] = read["length"]
        postings[key] = ordinals
    return postings
