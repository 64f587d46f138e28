"""Sound keys: pinyin for Chinese, a metaphone key for Latin script (and for romanised Chinese).

Homophones written with other characters (康師傅 / 康詩富) share the toneless pinyin key; the
tone key tells them apart when tones also match. The Latin key is Lawrence Philips' metaphone
(jellyfish) over the letters without spaces, so ``MAGNA BEAUTY`` and ``MAGNABEAUTY`` share it;
applied to toneless pinyin it also compares Chinese with its romanisation (富山 / FUSAN).
Kana and Hangul get no sound key (a documented limitation: they still match by words and glyph).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish
from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import tone_to_tone3

from ip_search.text.scripts import is_han

_NOT_LETTERS = re.compile(r"[^a-z]+")


@lru_cache(maxsize=262144)
def _han_run_pinyin(run: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(tone syllables, toneless syllables) of a run of Han characters; cached per run."""
    # pypinyin reads whole runs so phrase context picks the right reading of heteronyms (銀行).
    # Its own style, the tone marks its dictionaries hold, costs half of asking it for tone
    # numbers (17 against 33 µs a run): the few thousand syllables are converted once each.
    toned = tuple(_tone_numbered(syllable) for syllable in lazy_pinyin(run, style=Style.TONE))
    plain = tuple(_NOT_LETTERS.sub("", syllable) for syllable in toned)
    return toned, plain


@lru_cache(maxsize=8192)
def _tone_numbered(syllable: str) -> str:
    """A syllable in tone marks (``hé``) as pypinyin's TONE3 style writes it (``he2``)."""
    return tone_to_tone3(syllable, neutral_tone_with_five=True)


def pinyin(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Pinyin syllables (with tone numbers, and without) of the Han characters of ``text``."""
    toned: list[str] = []
    plain: list[str] = []
    run: list[str] = []
    for char in [*text, " "]:
        if is_han(char):
            run.append(char)
        elif run:
            run_toned, run_plain = _han_run_pinyin("".join(run))
            toned.extend(run_toned)
            plain.extend(run_plain)
            run.clear()
    return tuple(toned), tuple(plain)


@lru_cache(maxsize=262144)
def latin_key(letters: str) -> str:
    """Metaphone of the ASCII letters of ``letters`` (spaces, digits and others dropped)."""
    # NFKD splits accents off (café -> cafe) so they drop out with the other non-letters.
    only = _NOT_LETTERS.sub("", unicodedata.normalize("NFKD", letters).lower())
    return jellyfish.metaphone(only) if only else ""
