"""The synthetic register: reproducible, realistic in its spread, consistent in its fields."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from ip_search.importers import MarkStatus, TrademarkRecord
from ip_search.synthetic import generate
from ip_search.text import fold, mark_keys


@pytest.fixture(scope="module")
def sample() -> list[TrademarkRecord]:
    return list(generate(20000, seed=3))


def test_same_seed_same_register_other_seed_other_register() -> None:
    assert list(generate(300, seed=11)) == list(generate(300, seed=11))
    assert list(generate(300, seed=11)) != list(generate(300, seed=12))


def test_it_streams() -> None:
    stream = generate(10**12, seed=1)  # would never fit in memory if it were not lazy

    assert len(list(itertools.islice(stream, 5))) == 5


def test_numbers_are_unique_and_well_formed(sample: list[TrademarkRecord]) -> None:
    records = sample

    numbers = [r.application_no for r in records]
    assert len(set(numbers)) == len(numbers)
    assert all(len(n) == 9 and n.isdigit() for n in numbers)
    registrations = [r.registration_no for r in records if r.registration_no]
    assert len(set(registrations)) == len(registrations)
    assert all(len(n) == 8 for n in registrations)
    # The first three digits of an application number are the ROC year it was filed.
    assert all(
        int(r.application_no[:3]) + 1911 == r.filing_date.year for r in records if r.filing_date
    )


def test_class_spread_is_skewed_like_a_real_register(sample: list[TrademarkRecord]) -> None:
    counts = Counter(c for r in sample for c in r.nice_classes)

    top = {c for c, _ in counts.most_common(7)}
    assert top == {9, 35, 25, 3, 5, 30, 42}
    assert set(counts) == set(range(1, 46))
    assert counts[35] > 5 * counts[13]


def test_groups_belong_to_their_class(sample: list[TrademarkRecord]) -> None:
    for record in sample[:5000]:
        assert record.classes
        for entry in record.classes:
            assert entry.code == f"{entry.nice_class:03d}"
            assert entry.groups
            assert all(g[:2] == f"{entry.nice_class:02d}" for g in entry.groups)


def test_dates_and_statuses_are_consistent(sample: list[TrademarkRecord]) -> None:
    records = sample
    statuses = Counter(r.status for r in records)

    assert set(statuses) == set(MarkStatus)
    for r in records:
        assert r.filing_date is not None
        if r.registration_date is not None:
            assert r.filing_date < r.registration_date
            assert r.term_end is not None and r.registration_date < r.term_end
            assert r.owners == r.applicants
        if r.status is MarkStatus.REGISTERED:
            assert r.registration_no is not None and r.lapse_reason is None
        if r.status is MarkStatus.LAPSED:
            assert r.lapse_reason


def test_names_mix_scripts_variants_and_homophones(sample: list[TrademarkRecord]) -> None:
    names = [r.name for r in sample]
    folded = Counter(fold(n).replace(" ", "") for n in names)

    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)
    assert any(any("\u30a0" <= ch <= "\u30ff" for ch in n) for n in names)  # katakana
    assert any(n.isascii() and " " in n for n in names)
    assert any(n.endswith("及圖") for n in names)
    assert any(fold(n) == n and not n.isascii() for n in names)  # simplified-script marks
    # spacing and case variants of one name fold together
    assert any(count >= 3 and key.isascii() for key, count in folded.items())
    # homophones: different characters, same toneless pinyin
    by_sound: dict[tuple[str, ...], set[str]] = {}
    for record in sample[:3000]:
        if record.words_zh and not record.words_en:
            keys = mark_keys(record.words_zh)
            by_sound.setdefault(keys.pinyin_plain, set()).add(keys.compacts[0])
    assert any(len(spellings) > 1 for spellings in by_sound.values())


def test_vienna_codes_only_on_device_marks(sample: list[TrademarkRecord]) -> None:
    for record in sample[:5000]:
        if record.vienna_codes:
            assert "及圖" in record.name or "設計圖" in record.name
            assert all(len(code) == 8 and code[2] == code[5] == "." for code in record.vienna_codes)
