"""The cheap pre-score that chooses which similar-search candidates get the explained score."""

from __future__ import annotations

import orjson
import pytest

from ip_search.importing.rows import keys_json
from ip_search.search import ranking
from ip_search.search.backend import KeyDoc
from ip_search.text import mark_keys, query_keys, score


def stored(name: str) -> KeyDoc:
    """A mark's keys as a backend hands them to the ranker (the stored JSON document)."""
    document: KeyDoc = orjson.loads(keys_json(mark_keys(name)))
    return document


@pytest.mark.parametrize(
    ("query", "containing", "sound_alike"),
    [("生技", "生技華", "生加"), ("康師傅", "康師傅麵", "康師")],
)
def test_a_mark_containing_the_query_outranks_one_that_only_sounds_alike(
    query: str, containing: str, sound_alike: str
) -> None:
    keys = query_keys(query)

    bound = {name: ranking.prescore(keys, stored(name)) for name in (containing, sound_alike)}
    total = {name: score(keys, mark_keys(name)).total for name in (containing, sound_alike)}

    assert total[containing] > total[sound_alike]
    assert bound[containing] > bound[sound_alike]


def test_sound_counts_only_where_both_sides_have_a_sound_key() -> None:
    # Kana has no sound key: the bound is the wording alone, as the score leaves sound out
    # (the mark's Latin part has a metaphone key, but the query has none to compare).
    same = ranking.prescore(query_keys("スピード"), stored("スピード"))
    contained = ranking.prescore(query_keys("スピード"), stored("スピードKIKIKO"))

    assert same == 1.0
    assert contained == ranking.CONTAINED


def test_relevance_marks_pass_the_bound_for_their_queries() -> None:
    cases = [
        ("生華", "東生華"),
        ("康師傅", "康詩富"),
        ("华硕", "華碩"),
        ("MAGNA BEAUTY", "MAGNABEAUTY"),
        ("FOTOGENIC", "PHOTOGENIC"),
        ("統一", "統壹"),
    ]
    for query, name in cases:
        assert ranking.prescore(query_keys(query), stored(name)) >= ranking.MIN_PRESCORE, query
