"""Similar ranking's fast path: every candidate ranked by its bare total, only the page explained.

It must answer exactly as the full, explained ``score`` of every candidate would: same order,
same totals to the last bit, same explanations. Checked on the labelled relevance set among the
synthetic distractors, and the response body is held to the documented ``SearchResponse``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import orjson
import pytest

from ip_search.importing.rows import keys_json
from ip_search.search import ranking
from ip_search.search.backend import (
    Candidate,
    Candidates,
    Filters,
    SearchMode,
    SearchQuery,
    SimilarPage,
)
from ip_search.synthetic import generate
from ip_search.text import MarkFields, Score, mark_keys, query_keys, score, scoring
from ip_search.text.relevance import RELEVANCE_CASES, RELEVANCE_MARKS, RelevanceCase
from ip_search.trademarks.schemas import SearchResponse
from ip_search.trademarks.service import render, search_document

DISTRACTORS = 3000
PAGE = 20


def candidate(number: str, name: str, classes: Sequence[int], *words: str) -> Candidate:
    """A mark as a backend hands it to the ranker: its stored JSON key document."""
    return Candidate(
        application_no=number,
        registration_no=None,
        name=name,
        status="registered",
        kind="trademark",
        nice_classes=tuple(classes),
        class_codes=tuple(f"{c:03d}" for c in classes),
        groups=tuple(f"{c:02d}01" for c in classes),
        filing_date=dt.date(2020, 1, 2),
        keys=orjson.loads(keys_json(mark_keys(name, *words))),
    )


@pytest.fixture(scope="module")
def register() -> list[Candidate]:
    marks = [
        candidate(
            r.application_no,
            r.name,
            r.nice_classes,
            *(w for w in (r.words_zh, r.words_en, r.words_ja) if w),
        )
        for r in generate(DISTRACTORS, seed=11)
    ]
    planted = [
        candidate(f"0{i:08d}", m.name, m.classes, *m.words) for i, m in enumerate(RELEVANCE_MARKS)
    ]
    return marks + planted


def full_ranking(case: RelevanceCase, register: list[Candidate]) -> list[tuple[Score, Candidate]]:
    """The explained score of every candidate passing the class filter, ranked the same way."""
    keys, wanted = query_keys(case.query), set(case.classes)
    scored = [
        (
            score(
                keys,
                mark_keys(c.name, *MarkFields.from_document(c.keys).texts[1:]),
                query_classes=case.classes,
                mark_classes=c.nice_classes,
                mark_groups=c.groups,
            ),
            c,
        )
        for c in register
        if not wanted or wanted & set(c.nice_classes)
    ]
    kept = [(s, c) for s, c in scored if s.total >= ranking.MIN_SCORE]
    kept.sort(key=lambda pair: (-round(pair[0].total, 6), pair[1].application_no))
    return kept


@pytest.mark.parametrize("case", RELEVANCE_CASES, ids=lambda c: f"{c.query}->{c.expected}")
def test_the_fast_path_ranks_and_explains_as_the_full_scorer(
    case: RelevanceCase, register: list[Candidate]
) -> None:
    wanted = set(case.classes)
    candidates = [c for c in register if not wanted or wanted & set(c.nice_classes)]
    keys = query_keys(case.query)

    ranked = ranking.rank_similar(keys, candidates, classes=case.classes, groups=())
    page = ranking.explain_hits(
        keys, [r.candidate for r in ranked[:PAGE]], classes=case.classes, groups=()
    )
    full = full_ranking(case, register)

    assert [r.candidate.application_no for r in ranked] == [c.application_no for _, c in full]
    assert [r.total for r in ranked] == [s.total for s, _ in full]
    assert [hit.score for hit in page] == [s for s, _ in full[:PAGE]]
    assert all(hit.score.total == r.total for hit, r in zip(page, ranked, strict=False))


def test_candidates_below_the_floor_are_not_listed(register: list[Candidate]) -> None:
    keys = query_keys("生華")
    everyone = [c for c in register if 5 in c.nice_classes]

    ranked = ranking.rank_similar(keys, everyone, classes=(5,), groups=())

    assert 0 < len(ranked) < len(everyone)
    assert all(r.total >= ranking.MIN_SCORE for r in ranked)


def test_pages_follow_one_another_without_gaps_or_repeats(register: list[Candidate]) -> None:
    ranked = ranking.rank_similar(query_keys("華"), register, classes=(), groups=())
    first = ranking.page_after(ranked, None, 5)[:5]
    after = ranking.order_key(first[-1])

    second = ranking.page_after(ranked, after, 5)[:5]

    assert [r.candidate for r in first + second] == [r.candidate for r in ranked[:10]]


class _Fixed:
    """A backend that finds the same candidates for any query."""

    def __init__(self, items: list[Candidate]) -> None:
        self.items = items

    async def candidates(self, query: SearchQuery, after: Sequence[str] | None) -> Candidates:
        return Candidates(self.items, (), total=len(self.items), total_is_exact=True)

    async def similar_page(self, query: SearchQuery) -> SimilarPage | None:
        return None


async def test_the_body_is_a_search_response_as_pydantic_writes_it(
    register: list[Candidate],
) -> None:
    query = SearchQuery("康師傅", SearchMode.SIMILAR, Filters(nice_classes=(30,)), limit=5)
    stamp = dt.datetime(2026, 1, 2, 3, 4, 5, 678_000, tzinfo=dt.UTC)

    body = render(await search_document(_Fixed(register), query, stamp))

    response = SearchResponse.model_validate_json(body)
    assert response.model_dump_json().encode() == body
    assert len(response.items) == 5 and response.next_cursor is not None
    assert response.items[0].score.breakdown[0].dimension == "words"


async def test_every_number_of_a_hit_is_rounded_to_four_places_as_round_does(
    register: list[Candidate],
) -> None:
    query = SearchQuery("康師傅", SearchMode.SIMILAR, Filters(nice_classes=(30,)), limit=PAGE)
    keys = query_keys(query.text)
    ranked = ranking.rank_similar(keys, register, classes=(30,), groups=())
    hits = ranking.explain_hits(
        keys, [r.candidate for r in ranked[:PAGE]], classes=(30,), groups=()
    )

    for _ in range(2):  # the second time, every value is a remembered one
        body = orjson.loads(render(await search_document(_Fixed(register), query, None)))

        numbers = [
            [(d["similarity"], d["weight"], d["contribution"]) for d in item["score"]["breakdown"]]
            for item in body["items"]
        ]
        assert numbers == [
            [
                (round(d.similarity, 4), round(d.weight, 4), round(d.contribution, 4))
                for d in h.score.breakdown
            ]
            for h in hits
        ]


def test_remembered_roundings_stay_within_their_bound() -> None:
    values = [n / 7 for n in range(scoring.ROUNDED_SIZE + 100)]

    assert [scoring._rounded(v, 4) for v in values] == [round(v, 4) for v in values]
    assert [scoring._rounded(v, 4) for v in values] == [round(v, 4) for v in values]  # looked up
    assert [scoring._rounded(v, 2) for v in values[:50]] == [round(v, 2) for v in values[:50]]
    assert len(scoring._ROUNDED) == scoring.ROUNDED_SIZE


def test_best_first_orders_as_the_rounded_order_key() -> None:
    # Totals on and around the rounding boundaries of the sixth place, equal ones, and far ones.
    rng = random.Random(17)
    for _ in range(2_000):
        centre = rng.uniform(0.25, 1.0)
        values = [
            rng.choice(
                [
                    centre,
                    round(centre, 6) + 5e-7,
                    round(centre, 6) + 5e-7 + rng.choice([-1, 1]) * 1e-17,
                    centre + rng.uniform(-3e-6, 3e-6),
                    rng.uniform(0.0, 1.0),
                ]
            )
            for _ in range(rng.randint(0, 40))
        ]
        positions = rng.sample(range(1000), len(values))

        expected = sorted(
            ((v, p) for v, p in zip(values, positions, strict=True) if v >= ranking.MIN_SCORE),
            key=lambda pair: (-round(pair[0], 6), pair[1]),
        )
        assert ranking.best_first(values, positions) == expected
