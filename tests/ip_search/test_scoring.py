"""Explained similarity: every dimension reports whether it matched, how much and why."""

from __future__ import annotations

import math

import pytest

from ip_search.text import Dimension, Weights, mark_keys, query_keys, score


def test_contributions_add_up_to_the_total() -> None:
    result = score(query_keys("生華"), mark_keys("東生華"), query_classes=[5], mark_classes=[5, 10])

    assert math.isclose(sum(d.contribution for d in result.breakdown), result.total)
    assert [d.dimension for d in result.breakdown] == list(Dimension)
    assert 0.0 < result.total < 1.0


def test_contained_query_explains_words_sound_glyph_and_class() -> None:
    result = score(query_keys("生華"), mark_keys("東生華"), query_classes=[5], mark_classes=[5])

    words = result.dimension(Dimension.WORDS)
    assert words.matched and words.similarity == 0.85
    assert words.evidence == "'生华' contained in '东生华'"
    sound = result.dimension(Dimension.SOUND)
    assert sound.matched and "sheng hua" in sound.evidence
    classes = result.dimension(Dimension.CLASSES)
    assert classes.matched and classes.evidence == "shared Nice classes [5]"
    assert classes.similarity == Weights().same_class


def test_homophone_matches_on_sound_only() -> None:
    result = score(query_keys("康師傅"), mark_keys("康詩富"))

    sound = result.dimension(Dimension.SOUND)
    assert sound.matched and sound.similarity == 1.0
    assert sound.evidence == "pinyin 'kang shi fu' ~ 'kang shi fu' (same tones)"
    assert not result.dimension(Dimension.WORDS).matched
    assert not result.dimension(Dimension.DISTINCTIVE).matched


def test_script_variant_is_named_in_the_glyph_evidence() -> None:
    result = score(query_keys("华硕"), mark_keys("華碩"))

    glyph = result.dimension(Dimension.GLYPH)
    assert glyph.matched and glyph.similarity == 1.0
    assert glyph.evidence == "'华硕' ≡ '華碩' after folding traditional/simplified"
    assert math.isclose(result.total, 1.0)


def test_width_and_case_variants_are_named() -> None:
    glyph = score(query_keys("ＡＢＣ"), mark_keys("abc")).dimension(Dimension.GLYPH)
    assert glyph.evidence == "'ＡＢＣ' ≡ 'abc' after folding width, case"

    spaced = score(query_keys("MAGNA BEAUTY"), mark_keys("MAGNABEAUTY"))
    assert spaced.dimension(Dimension.GLYPH).evidence.endswith("after folding case, spacing")
    assert spaced.dimension(Dimension.DISTINCTIVE).similarity == 1.0


def test_dimensions_that_do_not_apply_carry_no_weight() -> None:
    result = score(query_keys("ABC"), mark_keys("ABC"))

    classes = result.dimension(Dimension.CLASSES)
    assert classes.weight == 0.0 and classes.contribution == 0.0 and not classes.matched
    assert classes.evidence == "no classes or groups asked for"
    assert math.isclose(result.total, 1.0 - 0.1 * Weights().sound / _applied_weight())


def _applied_weight() -> float:
    w = Weights()
    return w.words + w.distinctive + w.sound + w.glyph


def test_shared_group_beats_shared_class_beats_nothing() -> None:
    q, m = query_keys("ABC"), mark_keys("XYZ")
    group = score(q, m, query_classes=[5], query_groups=["0501"], mark_classes=[5],
                  mark_groups=["0501"])  # fmt: skip
    same_class = score(q, m, query_classes=[5], query_groups=["0501"], mark_classes=[5],
                       mark_groups=["0502"])  # fmt: skip
    other = score(q, m, query_classes=[5], mark_classes=[9])

    assert group.dimension(Dimension.CLASSES).evidence == "shared similar groups 0501"
    sims = [r.dimension(Dimension.CLASSES).similarity for r in (group, same_class, other)]
    assert sims == [1.0, Weights().same_class, 0.0]
    assert group.total > same_class.total > other.total


def test_weights_change_the_balance() -> None:
    q, m = query_keys("康師傅"), mark_keys("康詩富")
    sound_heavy = score(q, m, weights=Weights(words=0.1, sound=1.0))

    assert sound_heavy.total > score(q, m).total


@pytest.mark.parametrize("field", ["words", "matched_at", "same_class"])
def test_weights_outside_zero_one_are_refused(field: str) -> None:
    with pytest.raises(ValueError, match=f"{field} must be within"):
        Weights(**{field: 1.5})
