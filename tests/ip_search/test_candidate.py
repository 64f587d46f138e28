"""``candidate_of`` builds the named tuple without its ``__new__``: the same value, by name."""

from __future__ import annotations

import datetime as dt

from ip_search.search.backend import Candidate, candidate_of


def test_candidate_of_equals_the_named_tuple_built_by_keyword() -> None:
    keys = {"forms": ["東生華"], "compacts": ["東生華"]}
    row = ["100000001", "01000001", "東生華", "registered", "trademark", [5], ["005"], ["0501"]]
    filed = dt.date(2020, 1, 2)

    made = candidate_of(row, filed, keys, ("gram", "sound"), ("東生華", "100000001"))

    assert type(made) is Candidate
    assert made == Candidate(
        application_no="100000001",
        registration_no="01000001",
        name="東生華",
        status="registered",
        kind="trademark",
        nice_classes=(5,),
        class_codes=("005",),
        groups=("0501",),
        filing_date=filed,
        keys=keys,
        sources=("gram", "sound"),
        sort_key=("東生華", "100000001"),
    )
    assert (made.nice_classes, made.groups, made.keys) == ((5,), ("0501",), keys)


def test_candidate_of_defaults_sources_and_sort_key_as_the_named_tuple_does() -> None:
    row: list[object] = ["100000002", None, "SUN PRO", "filed", "trademark", [], [], []]

    made = candidate_of(row, None, {})

    assert made == Candidate(
        "100000002", None, "SUN PRO", "filed", "trademark", (), (), (), None, {}
    )
    assert (made.sources, made.sort_key) == ((), ())
