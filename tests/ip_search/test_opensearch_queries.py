"""The OpenSearch backend's index layout and request bodies: pure functions, no server.

The bodies must carry exactly the keys the PostgreSQL backend binds into its statements, so
both backends hand the shared ranker the same candidates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ip_search.search.backend import Filters, QueryTooShortError, SearchMode, ViennaMatch
from ip_search.search.opensearch import mapping, queries
from ip_search.search.postgres import KEY_POSTINGS, SOURCE_CAP, similar_sources
from ip_search.search.query import query_keys
from ip_search.text.relevance import RELEVANCE_CASES


def terms_of(source: queries.Source) -> list[str]:
    """The keys a source looks up: one key per posting search, or the exact texts."""
    if source.per_key:
        return [next(iter(b["query"]["bool"]["filter"][0]["term"].values())) for b in source.bodies]
    (body,) = source.bodies
    return list(body["query"]["bool"]["filter"][0]["terms"]["compacts"])


def test_searched_key_fields_are_keywords_and_the_name_uses_the_cjk_analyzer() -> None:
    fields = mapping.MAPPINGS["properties"]

    assert mapping.MAPPINGS["dynamic"] == "strict"
    assert {fields[f]["type"] for f in ("compacts", "grams", "sounds", "application_no")} == {
        "keyword"
    }
    assert fields["forms"] == {"type": "text", "analyzer": "cjk"}
    assert fields["compacts"]["fields"]["trigram"]["analyzer"] == "trigram"
    assert mapping.ANALYSIS["tokenizer"]["trigram"] == {
        "type": "ngram",
        "min_gram": 3,
        "max_gram": 3,
    }
    assert fields["match_keys"] == {"type": "object", "enabled": False}


def test_a_loading_index_neither_refreshes_nor_replicates_until_it_goes_live() -> None:
    loading = mapping.index_body(replicas=2, loading=True)["settings"]["index"]
    live = mapping.index_body(replicas=2, loading=False)["settings"]["index"]

    assert loading == {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1"}
    assert live == {"number_of_shards": 1, "number_of_replicas": 2, "refresh_interval": "1s"}
    assert mapping.live_settings(2) == {"number_of_replicas": 2, "refresh_interval": "1s"}


def test_versioned_names_sort_in_time_order_whatever_the_time_zone() -> None:
    taipei = dt.timezone(dt.timedelta(hours=8))
    first = mapping.versioned_name("marks", dt.datetime(2025, 1, 2, 8, 0, tzinfo=taipei))
    second = mapping.versioned_name("marks", dt.datetime(2025, 1, 2, 0, 0, 1, tzinfo=dt.UTC))

    assert first == "marks-20250102000000000000"
    assert first < second


PG_PARAMETER = {"exact": "compacts", "gram": "gram_keys", "sound": "sound_keys"}


@pytest.mark.parametrize("case", RELEVANCE_CASES, ids=lambda c: c.query)
def test_similar_bodies_look_up_the_keys_the_postgres_backend_binds(case: Any) -> None:
    keys = query_keys(case.query)
    filters = Filters(nice_classes=case.classes)

    sources = {s.label: s for s in queries.similar_searches(keys, queries.filter_clauses(filters))}
    _, params = similar_sources(keys, filters)

    looked_up = {PG_PARAMETER[label]: terms_of(source) for label, source in sources.items()}
    assert looked_up == {name: params[name] for name in PG_PARAMETER.values() if name in params}
    clauses = queries.filter_clauses(filters)
    for source in sources.values():
        for body in source.bodies:
            assert body["size"] == (KEY_POSTINGS if source.per_key else SOURCE_CAP)
            assert all(clause in body["query"]["bool"]["filter"] for clause in clauses)


def test_a_key_reads_its_shortest_postings_and_no_documents() -> None:
    sources = {s.label: s for s in queries.similar_searches(query_keys("東生華"), [])}

    gram = sources["gram"]
    assert terms_of(gram) == ["东生", "生华"]
    assert gram.per_key
    for body in gram.bodies:
        assert body["sort"] == [{"mark_length": "asc"}, {"application_no": "asc"}]
        assert body["_source"] is False
        assert body["track_total_hits"] is False
    assert sources["exact"].bodies[0]["sort"] == [{"application_no": "asc"}]
    assert not sources["exact"].per_key


def postings(*marks: tuple[int, str]) -> list[dict[str, Any]]:
    return [{"_id": number, "sort": [length, number]} for length, number in marks]


def test_marks_sharing_a_rare_key_outrank_those_sharing_only_a_common_one() -> None:
    common = postings(*((2, f"c{n:03d}") for n in range(KEY_POSTINGS)))
    rare = postings((9, "r1"), (12, "r2"))

    ranked = queries.rarity_ranked([common, rare])

    # ln(1 + KEY_POSTINGS / 2) beats ln(1 + KEY_POSTINGS / KEY_POSTINGS), whatever the length
    assert ranked[:2] == ["r1", "r2"]
    assert ranked[2:5] == ["c000", "c001", "c002"]
    assert len(ranked) == SOURCE_CAP


def test_weights_add_up_over_shared_keys_and_ties_go_to_the_shortest_then_the_number() -> None:
    first = postings((5, "b"), (5, "a"), (3, "both"))
    second = postings((4, "both"), (2, "z"), (7, "y"))

    ranked = queries.rarity_ranked([first, second, []])

    assert ranked == ["both", "z", "a", "b", "y"]  # "both" shares two keys of equal rarity


def test_the_chosen_marks_are_fetched_by_id() -> None:
    body = queries.documents_search(["000000002", "000000001"])

    assert body["query"] == {"ids": {"values": ["000000002", "000000001"]}}
    assert body["size"] == 2
    assert "match_keys" in body["_source"]


def test_filters_become_non_scoring_clauses() -> None:
    filters = Filters(
        nice_classes=(5, 30),
        groups=("0501",),
        vienna=("01.01.01", "02.03.04"),
        statuses=("registered",),
        kinds=("trademark",),
        applicant="许钳",
        filed_from=dt.date(1951, 1, 1),
        filed_to=dt.date(1951, 12, 31),
    )

    assert queries.filter_clauses(filters) == [
        {"terms": {"nice_classes": [5, 30]}},
        {"terms": {"groups": ["0501"]}},
        {"term": {"vienna_codes": "01.01.01"}},
        {"term": {"vienna_codes": "02.03.04"}},
        {"terms": {"status": ["registered"]}},
        {"terms": {"kind": ["trademark"]}},
        {"wildcard": {"applicant_key": {"value": "*许钳*"}}},
        {"range": {"filing_date": {"gte": "1951-01-01", "lte": "1951-12-31"}}},
    ]


def test_vienna_any_and_a_long_applicant_and_an_open_date_range() -> None:
    filters = Filters(
        vienna=("01.01.01", "02.03.04"),
        vienna_match=ViennaMatch.ANY,
        applicant="盛香堂",
        filed_to=dt.date(2000, 1, 1),
    )

    assert queries.filter_clauses(filters) == [
        {"terms": {"vienna_codes": ["01.01.01", "02.03.04"]}},
        {"match_phrase": {"applicant_key.trigram": "盛香堂"}},
        {"range": {"filing_date": {"lte": "2000-01-01"}}},
    ]


def test_wildcard_characters_a_user_types_are_matched_literally() -> None:
    assert queries.substring("applicant_key", "*?") == {
        "wildcard": {"applicant_key": {"value": "*\\*\\?*"}}
    }
    assert queries.substring("applicant_key", "a\\") == {
        "wildcard": {"applicant_key": {"value": "*a\\\\*"}}
    }


def test_misspellings_are_looked_for_only_with_three_latin_letters() -> None:
    body = queries.words_search(query_keys("FOTOGENIC"), [])

    assert body is not None
    should = body["query"]["bool"]["should"]
    assert should[0] == {
        "match": {"compacts.trigram": {"query": "fotogenic", "minimum_should_match": "60%"}}
    }
    assert should[1] == {"match": {"forms": {"query": "fotogenic", "fuzziness": "AUTO"}}}
    assert queries.words_search(query_keys("康師傅"), []) is None
    assert queries.words_search(query_keys("ab"), []) is None


@pytest.mark.parametrize(
    ("mode", "text", "condition", "width"),
    [
        (SearchMode.EXACT, "ＡＢＣ", [{"term": {"compacts": "abc"}}], 1),
        (SearchMode.PREFIX, "Magna", [{"prefix": {"compacts": "magna"}}], 2),
        (SearchMode.CONTAINS, "生華", [{"term": {"grams": "生华"}}], 1),
        (SearchMode.CONTAINS, "生", [{"term": {"grams": "生"}}], 1),
        (
            SearchMode.CONTAINS,
            "東生華",
            [{"term": {"grams": "生华"}}, {"match_phrase": {"compacts.trigram": "东生华"}}],
            1,
        ),
        (SearchMode.CONTAINS, "agnab", [{"match_phrase": {"compacts.trigram": "agnab"}}], 1),
    ],
)
def test_listings(mode: SearchMode, text: str, condition: list[dict[str, Any]], width: int) -> None:
    status = {"terms": {"status": ["registered"]}}

    listing = queries.listing_for(mode, query_keys(text), [status])

    assert listing.condition == [*condition, status]
    assert listing.width == width


def test_contains_refuses_fewer_than_three_latin_letters() -> None:
    with pytest.raises(QueryTooShortError):
        queries.listing_for(SearchMode.CONTAINS, query_keys("ab"), [])


def test_a_page_continues_after_the_cursor_and_counts_up_to_a_bound() -> None:
    listing = queries.listing_for(SearchMode.PREFIX, query_keys("magna"), [])

    first = listing.page(21, None)
    later = listing.page(21, ["magnabeauty", "000090006", "000090006"])
    sample = listing.sample(301)

    assert "search_after" not in first
    assert later["search_after"] == ["magnabeauty", "000090006"]
    assert later["sort"] == [
        {"compacts": {"order": "asc", "mode": "min"}},
        {"application_no": "asc"},
    ]
    assert first["size"] == 21
    assert first["track_total_hits"] == queries.TOTAL_EXACT_UP_TO
    assert sample["_source"] == ["nice_classes", "status", "kind"]
    assert sample["size"] == 301
