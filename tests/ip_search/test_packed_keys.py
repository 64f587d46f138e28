"""Scoring keys packed in one string (``ip_search.text.packed_keys``): what the resident index
holds, unpacked to the fields scoring reads, and read alike by the totals kernel."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from ip_search.importing.rows import keys_json
from ip_search.text import MarkFields, mark_keys
from ip_search.text.packed_keys import (
    FIELD_SEPARATOR,
    ITEM_SEPARATOR,
    PACKED_FIELDS,
    UnpackableKeysError,
    pack_keys,
    packed_compacts,
    unpack_keys,
)


def key_document(texts: tuple[str, ...] | str, *more: str) -> dict[str, Any]:
    """The key document an import stores for a mark of these texts."""
    names = (texts,) if isinstance(texts, str) else texts
    document: dict[str, Any] = orjson.loads(keys_json(mark_keys(*names, *more)))
    return document


NAMES = [
    ("東生華",),
    ("MAGNA BEAUTY", "magna beauty"),
    ("康師傅 KANG SHI FU", "康師傅", "KANG SHI FU"),
    ("ソニー",),
    ("3M",),
    ("股份有限公司",),  # generic words only
    ("&&&",),  # no letter at all: one empty form
    # Separators in what a mark is called: folding drops them from every key, and the first
    # text, which keeps them, is read whole.
    (f"A{FIELD_SEPARATOR}B{ITEM_SEPARATOR}C", f"{ITEM_SEPARATOR}{FIELD_SEPARATOR}"),
]


@pytest.mark.parametrize("texts", NAMES, ids=lambda t: repr(t[0]))
def test_packed_keys_unpack_to_the_fields_scoring_reads(texts: tuple[str, ...]) -> None:
    document = key_document(texts)

    packed = pack_keys(document)

    fields = MarkFields.from_document(packed)
    whole = MarkFields.from_document(document)
    assert fields._replace(texts=()) == whole._replace(texts=())
    assert fields.texts == [document["texts"][0]]
    assert packed_compacts(packed) == document["compacts"]
    assert packed.count(FIELD_SEPARATOR) >= len(PACKED_FIELDS)


def test_no_key_of_any_text_holds_a_separator() -> None:
    hostile = "".join(chr(c) for c in range(0x20)) + "東 生\u3000華 ＡＢ" + "\x1e\x1f" * 5
    document = key_document(hostile, f"x{ITEM_SEPARATOR}y")

    for name in PACKED_FIELDS:
        assert not any(FIELD_SEPARATOR in k or ITEM_SEPARATOR in k for k in document[name]), name
    assert unpack_keys(pack_keys(document))[:-1] == tuple(
        list(document[name]) for name in PACKED_FIELDS
    )


def test_empty_distinctive_words_unpack_to_none_and_empty_pinyin_to_one() -> None:
    document = key_document("股份有限公司 ABC")
    latin = key_document("SONY")

    assert MarkFields.from_document(pack_keys(latin)).pinyin_plain == [""]
    assert MarkFields.from_document(pack_keys(latin)).distinctive == ["sony"]
    assert MarkFields.from_document(pack_keys({**document, "distinctive": []})).distinctive == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"forms": [f"a{ITEM_SEPARATOR}b"]}, "holds a separator"),
        ({"phonetic": [f"K{FIELD_SEPARATOR}"]}, "holds a separator"),
        ({"pinyin_toned": []}, "one key per form"),
        ({"distinctive": ["a", ""]}, "empty word"),
    ],
)
def test_a_document_no_packed_string_holds_is_refused(
    change: dict[str, list[str]], message: str
) -> None:
    document = {**key_document("東生華"), **change}

    with pytest.raises(UnpackableKeysError, match=message):
        pack_keys(document)


def test_a_string_of_too_few_fields_is_refused() -> None:
    with pytest.raises(ValueError, match="3 fields"):
        unpack_keys(f"a{FIELD_SEPARATOR}b{FIELD_SEPARATOR}c")
