"""A mark's scoring keys packed in one string, as its search card (``mark_card``) keeps them.

A similar search decodes the cards of some sixty candidates. As a JSON object of seven lists, a
card's keys were two thirds of its decoding: a dict, seven lists and a string per key, for
every candidate, most of which never reach the page. Packed, they are one string. The totals
kernel (``_totals.c``) reads its keys from it as views, in place, and only the page's hits are
unpacked (``MarkFields.from_document``). setup.py compiles this module with mypyc: the
explained hits of a page are unpacked from compiled code.

The layout: the six fields the kernel reads (``PACKED_FIELDS``), then the mark's first text
(which only the glyph evidence reads), joined by ``FIELD_SEPARATOR``. The items of a field are
joined by ``ITEM_SEPARATOR``. The separators are ASCII control characters, which no field can
hold: folding keeps letters, marks, digits and spaces (``normalize.fold``), and pinyin and
metaphone keys are ASCII letters, digits and spaces. The first text, which may hold anything,
comes last and is read whole.

An empty field is one empty item (a mark without Han characters has the pinyin ``[""]``), except
``distinctive``, which never holds an empty word: empty, it has none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

FIELD_SEPARATOR: Final = "\x1e"
"""ASCII record separator: between fields (the kernel's ``FIELD_SEPARATOR``)."""
ITEM_SEPARATOR: Final = "\x1f"
"""ASCII unit separator: between the items of a field (the kernel's ``ITEM_SEPARATOR``)."""
PACKED_FIELDS: Final = (
    "forms",
    "compacts",
    "pinyin_toned",
    "pinyin_plain",
    "phonetic",
    "distinctive",
)
"""The key document's lists a packed string holds, in order (the kernel's ``MARK_LISTS``)."""
TEXT: Final = "texts"
"""The list whose first item ends a packed string."""


class UnpackableKeysError(ValueError):
    """A key document that no packed string can hold as it is."""


def pack_keys(document: Mapping[str, Sequence[str]]) -> str:
    """``document`` (``MarkKeys`` as stored, its lists by name) as one string.

    The importer packs a card's keys in SQL (``ip_search.pack_scoring_keys``, migration 0012);
    this is the same packing in Python, held equal to it by tests/ip_search/test_mark_card.py,
    and it refuses a document that would not unpack to itself."""
    fields: list[str] = []
    for name in PACKED_FIELDS:
        items = document[name]
        if any(FIELD_SEPARATOR in item or ITEM_SEPARATOR in item for item in items):
            raise UnpackableKeysError(f"a key in {name} holds a separator")
        if not items and name != "distinctive":
            raise UnpackableKeysError(f"{name} is empty: it holds one key per form")
        if name == "distinctive" and "" in items:
            raise UnpackableKeysError("distinctive holds an empty word")
        fields.append(ITEM_SEPARATOR.join(items))
    texts = document[TEXT]
    return FIELD_SEPARATOR.join([*fields, texts[0] if texts else ""])


def packed_compacts(packed: str) -> list[str]:
    """The ``compacts`` of ``packed`` alone (an exact hit's check of its text)."""
    return packed.split(FIELD_SEPARATOR, 2)[1].split(ITEM_SEPARATOR)


def unpack_keys(packed: str) -> tuple[list[str], ...]:
    """The ``PACKED_FIELDS`` of ``packed`` in order, then the first text alone in a list."""
    parts = packed.split(FIELD_SEPARATOR, len(PACKED_FIELDS))
    if len(parts) != len(PACKED_FIELDS) + 1:
        raise ValueError(f"a packed key string of {len(parts)} fields")
    *fields, text = parts
    unpacked = [field.split(ITEM_SEPARATOR) for field in fields[:-1]]
    distinctive = fields[-1]
    return (*unpacked, distinctive.split(ITEM_SEPARATOR) if distinctive else [], [text])
