"""The C kernel of score totals (``ip_search/text/_totals.c``) against ``scoring.total``, the
definition it implements: the same number for every pair, to the last bit."""

from __future__ import annotations

import importlib
import random
from collections.abc import Mapping, Sequence

import orjson
import pytest

from ip_search.search.backend import Candidate
from ip_search.synthetic import generate
from ip_search.text import (
    KeyDocument,
    MarkFields,
    PreparedQuery,
    Score,
    Wanted,
    Weights,
    explain,
    explain_documents,
    explain_json,
    prepare,
    query_keys,
    score_document,
    scoring,
    total,
    totals,
)
from ip_search.text._totals import scores_json  # built by `make install`
from ip_search.text.packed_keys import FIELD_SEPARATOR, pack_keys
from ip_search.text.relevance import RELEVANCE_CASES
from tests.ip_search.test_ranking import candidate

# Marks and queries the synthetic register does not make: homophones written with other
# characters, several words, text written together, Japanese, digits, one character, variants.
EDGE_NAMES = (
    "康師傅",
    "康詩富",
    "健康師",
    "華碩",
    "华硕",
    "MAGNA BEAUTY",
    "MAGNABEAUTY",
    "Magna Beauty Lab",
    "ソニー",
    "ゲーム SONY",
    "3M",
    "好",
    "東生華 DONG SHENG HUA",
    "生華",
    "ＡＢＣ　ｆｏｏｄ",
    "a b c d e f g",
    "SUPERLONGNAMEWITHOUTANYSPACEATALLWHATSOEVERTHATRUNSPASTSIXTYFOURCHARACTERSINTOTAL",
    # More syllables and words than the kernel holds on its stack (a query may be 200 long).
    "康師傅台灣生華東南亞食品工業股份有限公司" * 10,
    " ".join(f"w{i}" for i in range(90)),
    "股份有限公司",  # generic words alone: no distinctive word
    'SAY "HI" \\ NOW',  # quotes and a backslash in the evidence: escaped as JSON
    "ABCD",
    "生華東南",
)

# Marks of several forms that tie for a dimension's best against ``ABCD`` or 生華東南 (equal
# ratios, readings or shares of characters): the evidence names the first pair, as Python does.
TIED_FORMS: tuple[tuple[str, tuple[int, ...], *tuple[str, ...]], ...] = (
    ("AB", (5,), "CD"),
    ("CD", (5,), "AB"),
    ("生華", (30,), "東南"),
    ("東南", (30,), "生華", "南東"),
)


@pytest.fixture(scope="module")
def marks() -> list[Candidate]:
    synthetic = [
        candidate(r.application_no, r.name, r.nice_classes, *(w for w in words if w))
        for r in generate(1200, seed=20261127)
        for words in [(r.words_zh, r.words_en, r.words_ja)]
    ]
    edges = [candidate(f"9{i:08d}", n, (5, 30)) for i, n in enumerate(EDGE_NAMES)]
    ties = [
        candidate(f"8{i:08d}", name, classes, *words)
        for i, (name, classes, *words) in enumerate(TIED_FORMS)
    ]
    return synthetic + edges + ties


def queries(marks: Sequence[Candidate]) -> list[str]:
    rng = random.Random(7)
    return [
        *(case.query for case in RELEVANCE_CASES),
        *EDGE_NAMES,
        *(m.name for m in rng.sample(list(marks), 60)),
    ]


def python_totals(
    query: str, marks: Sequence[Candidate], wanted: Wanted, weights: Weights
) -> list[float]:
    prepared = prepare(query_keys(query))
    return [
        total(
            prepared,
            MarkFields.from_document(m.keys),
            wanted,
            mark_classes=m.nice_classes,
            mark_groups=m.groups,
            weights=weights,
        )
        for m in marks
    ]


def kernel_batch(
    query: str, marks: Sequence[Candidate]
) -> tuple[PreparedQuery, list[KeyDocument], list[Sequence[int]], list[Sequence[str]]]:
    """What each kernel reads of a query and its marks: the prepared query, then per mark its
    keys, classes and groups."""
    return (
        prepare(query_keys(query)),
        [m.keys for m in marks],
        [m.nice_classes for m in marks],
        [m.groups for m in marks],
    )


def kernel_totals(
    query: str, marks: Sequence[Candidate], wanted: Wanted, weights: Weights
) -> list[float]:
    return totals(
        *kernel_batch(query, marks),
        wanted,
        weights=weights,
    )


def test_the_kernel_is_built() -> None:
    kernel = importlib.import_module("ip_search.text._totals")
    assert str(kernel.__file__).endswith(".so"), "run `make install` to build it"


@pytest.mark.parametrize(
    "wanted",
    [Wanted.of(), Wanted.of([5]), Wanted.of([5, 30], ["0501"]), Wanted.of([], ["3001"])],
    ids=["no-classes", "class", "classes-and-group", "group"],
)
def test_every_total_equals_the_python_total(marks: list[Candidate], wanted: Wanted) -> None:
    compared = 0
    for query in queries(marks):
        expected = python_totals(query, marks, wanted, Weights())
        found = kernel_totals(query, marks, wanted, Weights())
        differ = [(m.name, e, f) for m, e, f in zip(marks, expected, found, strict=True) if e != f]
        assert not differ, f"{query!r}: {differ[:5]}"
        compared += len(found)
    assert compared > 100_000
    assert any(f > 0.9 for f in found)  # the pairs include close matches, not only far ones


def test_other_weights_are_honoured(marks: list[Candidate]) -> None:
    weights = Weights(words=0.9, sound=0.1, same_sound=0.2, tones_differ=0.5, same_class=1.0)
    wanted = Wanted.of([5])
    for query in ("康師傅", "MAGNA BEAUTY", "生華"):
        assert kernel_totals(query, marks, wanted, weights) == python_totals(
            query, marks, wanted, weights
        )
        assert kernel_totals(query, marks, wanted, weights) != kernel_totals(
            query, marks, wanted, Weights()
        )


def test_packed_keys_give_the_same_totals(marks: list[Candidate]) -> None:
    # As the resident index holds them: one string of views, in whatever kind it needs.
    packed = [m._replace(keys=pack_keys(document(m))) for m in marks]
    wanted = Wanted.of([5])
    compared = 0
    for query in queries(marks):
        expected = python_totals(query, marks, wanted, Weights())
        assert kernel_totals(query, packed, wanted, Weights()) == expected, query
        assert python_totals(query, packed, wanted, Weights()) == expected, query
        compared += len(expected)
    assert compared > 100_000


def test_a_packed_string_of_too_few_fields_is_refused() -> None:
    with pytest.raises(ValueError, match="too few fields"):
        totals(
            prepare(query_keys("生華")), [f"生华{FIELD_SEPARATOR}生华"], [(5,)], [()], Wanted.of()
        )


def test_no_marks_no_totals() -> None:
    assert totals(prepare(query_keys("生華")), [], [], [], Wanted.of()) == []


def document(mark: Candidate) -> Mapping[str, Sequence[str]]:
    """The key document of a mark of the test register (JSON, as PostgreSQL's rows give it)."""
    assert not isinstance(mark.keys, str)
    return mark.keys


def test_a_document_without_a_key_is_refused(marks: list[Candidate]) -> None:
    broken = {k: v for k, v in document(marks[0]).items() if k != "phonetic"}
    with pytest.raises(KeyError):
        totals(prepare(query_keys("生華")), [broken], [(5,)], [()], Wanted.of())


def test_uneven_key_lists_are_refused(marks: list[Candidate]) -> None:
    uneven = {**document(marks[0]), "forms": [*document(marks[0])["forms"], "extra"]}
    with pytest.raises(ValueError, match="differ in length"):
        totals(prepare(query_keys("生華")), [uneven], [(5,)], [()], Wanted.of())


def test_lists_of_other_lengths_are_refused(marks: list[Candidate]) -> None:
    with pytest.raises(ValueError, match="expected 1"):
        totals(prepare(query_keys("生華")), [marks[0].keys], [(5,), (6,)], [()], Wanted.of())


def python_explained(
    query: str, marks: Sequence[Candidate], wanted: Wanted, weights: Weights
) -> list[Score]:
    prepared = prepare(query_keys(query))
    return [
        explain(
            prepared,
            MarkFields.from_document(m.keys),
            wanted,
            mark_classes=m.nice_classes,
            mark_groups=m.groups,
            weights=weights,
        )
        for m in marks
    ]


def kernel_explained(
    query: str, marks: Sequence[Candidate], wanted: Wanted, weights: Weights
) -> list[Score]:
    return explain_documents(
        *kernel_batch(query, marks),
        wanted,
        weights=weights,
    )


@pytest.mark.parametrize(
    "wanted",
    [Wanted.of(), Wanted.of([5, 30], ["0501"]), Wanted.of([5, 12], ["3001", "0501"])],
    ids=["no-classes", "classes-and-group", "groups"],
)
def test_every_explanation_equals_the_python_one(marks: list[Candidate], wanted: Wanted) -> None:
    # Evidence included: the words, readings and characters each dimension names, in the
    # order Python finds them (the first of equally good pairs), and the classes shared.
    packed = [m._replace(keys=pack_keys(document(m))) for m in marks]
    evidence: set[str] = set()
    for query in queries(marks):
        expected = python_explained(query, marks, wanted, Weights())
        for given in (marks, packed):
            found = kernel_explained(query, given, wanted, Weights())
            differ = [
                (m.name, e, f) for m, e, f in zip(marks, expected, found, strict=True) if e != f
            ]
            assert not differ, f"{query!r}: {differ[:3]}"
        evidence.update(d.evidence for s in expected for d in s.breakdown)
    # Every branch of every dimension's evidence came up.
    branches = [*EVIDENCE, *(CLASS_EVIDENCE if wanted.classes else ())]
    assert [b for b in branches if not any(b in e for e in evidence)] == []


EVIDENCE = (
    "same wording",
    "' ~ '",
    "contained in",
    "no similar wording",
    "shared: ",
    "⊂",
    "magna beauty = magnabeauty",
    "no shared distinctive word",
    "query has no distinctive word",
    "phonetic key",
    "pronounced as the whole mark",
    "pinyin '",
    "tones differ",
    "no similar sound",
    "shared characters: ",
    "identical text",
    "after folding",
    "no shared characters",
)
CLASS_EVIDENCE = ("shared similar groups", "shared Nice classes", "no shared class or group")


def test_explanations_honour_other_weights(marks: list[Candidate]) -> None:
    weights = Weights(words=0.9, sound=0.1, same_sound=0.2, tones_differ=0.5, same_class=1.0)
    wanted = Wanted.of([5], ["0501"])
    for query in ("康師傅", "MAGNA BEAUTY", "生華", "華碩"):
        found = kernel_explained(query, marks, wanted, weights)
        assert found == python_explained(query, marks, wanted, weights)
        assert found != kernel_explained(query, marks, wanted, Weights())


def test_explanations_are_the_ranked_totals(marks: list[Candidate]) -> None:
    wanted = Wanted.of([5])
    for query in ("康師傅", "MAGNA BEAUTY", "ソニー", "3M"):
        explained = [s.total for s in kernel_explained(query, marks, wanted, Weights())]
        assert explained == kernel_totals(query, marks, wanted, Weights())


def kernel_json(
    query: str, marks: Sequence[Candidate], wanted: Wanted, weights: Weights, digits: int
) -> list[tuple[float, bytes]]:
    return explain_json(
        *kernel_batch(query, marks),
        wanted,
        digits=digits,
        weights=weights,
    )


def python_json(
    query: str, marks: Sequence[Candidate], wanted: Wanted, weights: Weights, digits: int
) -> list[tuple[float, bytes]]:
    return [
        (s.total, orjson.dumps(score_document(s, digits)))
        for s in python_explained(query, marks, wanted, weights)
    ]


@pytest.mark.parametrize(
    "wanted",
    [Wanted.of(), Wanted.of([5, 30], ["0501"])],
    ids=["no-classes", "classes-and-group"],
)
def test_every_score_is_written_as_orjson_writes_the_python_document(
    marks: list[Candidate], wanted: Wanted
) -> None:
    # The bytes a response holds: names, flags, evidence (quotes, backslashes and control
    # characters escaped as orjson escapes them), every number rounded as ``round`` rounds it
    # and written as orjson writes it, at four places and at two.
    packed = [m._replace(keys=pack_keys(document(m))) for m in marks]
    for query in queries(marks):
        for digits in (4, 2):
            expected = python_json(query, marks, wanted, Weights(), digits)
            assert kernel_json(query, marks, wanted, Weights(), digits) == expected, query
            assert kernel_json(query, packed, wanted, Weights(), digits) == expected, query


def test_scores_are_written_as_orjson_writes_them_past_the_values_remembered(
    marks: list[Candidate],
) -> None:
    # The kernel remembers 3,072 numbers; other weights give thousands of other values.
    wanted = Wanted.of([5])
    numbers: set[float] = set()
    for step in range(25):
        weights = Weights(words=0.30 + step / 997, sound=0.25 - step / 1009)
        for query in ("康師傅", "MAGNA BEAUTY", "生華"):
            found = kernel_json(query, marks, wanted, weights, 4)
            assert found == python_json(query, marks, wanted, weights, 4)
            numbers.update(
                d.contribution
                for s in python_explained(query, marks, wanted, weights)
                for d in s.breakdown
            )
    assert len(numbers) > 4096


def test_numbers_off_the_quick_way_are_written_as_orjson_writes_round_of_them(
    marks: list[Candidate],
) -> None:
    # Weights on the ties of the fourth place (0.12345, 0.00005, 0.00015: just above, above and
    # below them in binary), at no places and at more than four: the kernel's slow way, through
    # round's conversions and orjson.
    weights = Weights(words=0.12345, distinctive=0.00005, sound=0.00015, glyph=0.3, classes=1.0)
    wanted = Wanted.of([5, 30])
    for digits in (4, 0, 6):
        for query in ("康師傅", "MAGNA BEAUTY", "生華"):
            found = kernel_json(query, marks, wanted, weights, digits)
            assert found == python_json(query, marks, wanted, weights, digits)
    written = {w for _, json in kernel_json("生華", marks, wanted, weights, 4) for w in
               [d["weight"] for d in orjson.loads(json)["breakdown"]]}  # fmt: skip
    assert {0.1235, 0.0001, 0.3, 1.0} <= written


def test_written_strings_are_escaped_as_orjson_escapes_them(marks: list[Candidate]) -> None:
    # Folding leaves no quote or control character in a mark's keys, so the dimension names,
    # which the kernel writes as it writes evidence, carry them here.
    names = ('a"b\\c', "".join(map(chr, range(32))), "華⊂ ü", "\x7f\u2028/", "")
    wanted = Wanted.of([5])
    written = scores_json(prepare(query_keys("生華")), [m.keys for m in marks[:50]],
                          [m.nice_classes for m in marks[:50]], [m.groups for m in marks[:50]],
                          wanted.classes, wanted.groups, scoring._kernel_weights(Weights()),
                          Weights().matched_at, scoring._equal_after, names, 4)  # fmt: skip
    for _, json in written:
        document = orjson.loads(json)
        assert [d["dimension"] for d in document["breakdown"]] == list(names)
        assert orjson.dumps(document) == json


def test_written_scores_refuse_what_they_cannot_write(marks: list[Candidate]) -> None:
    with pytest.raises(ValueError, match="digits"):
        kernel_json("生華", marks[:1], Wanted.of(), Weights(), 16)
    assert kernel_json("生華", [], Wanted.of(), Weights(), 4) == []
