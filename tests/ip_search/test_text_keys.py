"""Folding and the keys a mark is indexed under."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from pypinyin import Style, lazy_pinyin

from ip_search.text import fold, mark_keys, query_keys
from ip_search.text.phonetic import pinyin


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＡＢＣ", "abc"),  # full-width -> half-width
        ("MagnaBeauty", "magnabeauty"),
        ("華碩電腦", "华硕电脑"),  # traditional -> simplified
        ("臺灣", "台湾"),
        ("ABC™", "abc"),  # the notice is not glued to the word
        ("McDonald's", "mcdonalds"),
        ("SAINT-GOBAIN CERAMICS & PLASTICS, INC.", "saint gobain ceramics plastics inc"),
        ("盛香堂\u3000許鉗", "盛香堂 许钳"),  # U+3000 is a space
        ("ｶﾀｶﾅ", "カタカナ"),  # half-width kana -> full-width
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_spacing_variants_share_the_compact_form_and_sound() -> None:
    spaced, joined = mark_keys("MAGNA BEAUTY"), mark_keys("MAGNABEAUTY")

    assert spaced.compacts == joined.compacts == ("magnabeauty",)
    assert spaced.phonetic == joined.phonetic
    assert spaced.words == ("magna", "beauty") and joined.words == ("magnabeauty",)


def test_cjk_unigrams_and_bigrams_back_short_queries() -> None:
    keys = mark_keys("東生華")

    assert keys.cjk_unigrams == ("东", "生", "华")
    assert keys.cjk_bigrams == ("东生", "生华")
    assert set(query_keys("生華").cjk_bigrams) <= set(keys.cjk_bigrams)


def test_bigrams_do_not_cross_scripts_or_words() -> None:
    keys = mark_keys("量特能ENERGYISLAND及圖")

    assert keys.cjk_bigrams == ("量特", "特能")  # 能E is not a bigram, 及圖 is generic
    assert keys.words == ("量特能", "energyisland", "及图")
    assert keys.distinctive == ("量特能", "energyisland")


def test_homophones_share_the_toneless_key_not_the_toned_one() -> None:
    master, poem = mark_keys("康師傅"), mark_keys("康詩富")

    assert master.pinyin_plain == poem.pinyin_plain == ("kang shi fu",)
    assert master.pinyin_toned == ("kang1 shi1 fu4",)
    assert poem.pinyin_toned == ("kang1 shi1 fu4",)  # 富 and 傅 are both fu4
    asus, flower = mark_keys("華碩"), mark_keys("花碩")
    assert asus.pinyin_plain == flower.pinyin_plain == ("hua shuo",)
    assert (asus.pinyin_toned, flower.pinyin_toned) == (("hua2 shuo4",), ("hua1 shuo4",))
    assert master.sound_grams == ("kang_shi", "shi_fu")


def test_both_scripts_give_the_same_keys() -> None:
    traditional, simplified = mark_keys("華碩"), mark_keys("华硕")

    assert traditional.forms == simplified.forms
    assert traditional.pinyin_plain == simplified.pinyin_plain == ("hua shuo",)
    assert traditional.texts == ("華碩",)  # the original stays for explanations


def test_generic_words_are_not_distinctive() -> None:
    assert mark_keys("黑松牌").distinctive == ("黑松",)
    assert mark_keys("高強及圖").forms == ("高强",)
    assert mark_keys("FISHER SCIENTIFIC CO., LTD.").distinctive == ("fisher", "scientific")
    assert mark_keys("華碩電腦股份有限公司").distinctive == ("华硕电脑",)
    assert mark_keys("ACME TM").distinctive == ("acme",)
    # A mark made only of generic words still has something to match on.
    assert mark_keys("設計圖").forms == ("设计图",)
    assert mark_keys("設計圖").distinctive == ()


def test_words_in_the_mark_add_forms_unless_already_in_the_name() -> None:
    keys = mark_keys("方圓牌", "活性炭")
    assert keys.forms == ("方圆", "活性炭")
    assert keys.pinyin_plain == ("fang yuan", "huo xing tan")

    assert mark_keys("富山 FUSAN", "FUSAN").forms == ("富山 fusan",)


def test_latin_sound_key_matches_sound_alikes_and_romanised_chinese() -> None:
    assert mark_keys("PHOTOGENIC").phonetic == mark_keys("FOTOGENIC").phonetic
    assert mark_keys("Café").phonetic == mark_keys("CAFE").phonetic
    assert mark_keys("華碩").phonetic == ("HX",)  # metaphone of "huashuo"


def test_query_keys_are_mark_keys_of_the_query() -> None:
    expected = replace(mark_keys("magna beauty"), texts=("ＭＡＧＮＡ Beauty",))
    assert query_keys("ＭＡＧＮＡ Beauty") == expected


def test_empty_text_gives_empty_keys() -> None:
    keys = mark_keys("  ")
    assert keys.compacts == ("",) and keys.cjk_bigrams == () and not keys.has_han


@pytest.mark.parametrize(
    "run",
    [
        "銀行家",  # a heteronym read by its phrase, and a neutral tone
        "綠色",  # ü, written v as TONE3 writes it
        "朋友們",  # neutral tones
        "台灣積體電路",
        "𠀋",  # a character pypinyin holds no reading for (TONE3 writes it "𠀋5")
    ],
)
def test_pinyin_syllables_are_pypinyin_tone3(run: str) -> None:
    """Sound keys are pypinyin's TONE3 syllables, however phonetic.py asks for them."""
    toned, plain = pinyin(run)
    expected = lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True)
    assert list(toned) == expected
    assert list(plain) == [re.sub("[^a-z]+", "", s) for s in toned]
