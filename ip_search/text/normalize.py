"""Folding of mark text for matching: width, case, script and punctuation.

Examiners treat ``ＡＢＣ``/``abc``/``ABC`` and ``華碩``/``华硕`` as the same wording, so every key
is built from folded text. Folding runs in a fixed order: NFKC (full-width -> half-width and
other compatibility forms), case folding, traditional -> simplified (OpenCC ``t2s``; simplified
is the target because the t2s mapping is many-to-one and therefore unambiguous), then every
character that is not a letter, digit or combining mark becomes a space.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# ™/®/℠/© would NFKC-fold into letters glued to the word ("abc™" -> "abctm"): blank them first.
_MARK_SYMBOLS = str.maketrans(dict.fromkeys("™®℠©", " "))
# Apostrophes join ("McDonald's" -> "mcdonalds"); every other separator splits words.
_JOINERS = str.maketrans(dict.fromkeys("'’`´", ""))
_SPACES = re.compile(r"\s+")
_T2S = opencc.OpenCC("t2s")


def width_case_fold(text: str) -> str:
    """NFKC and case folding only: the form a user typed, minus width and case."""
    return unicodedata.normalize("NFKC", text.translate(_MARK_SYMBOLS)).casefold()


def script_fold(text: str) -> str:
    """Traditional -> simplified Chinese, so either script matches the other."""
    # OpenCC.convert is untyped (returns Any) in opencc 1.4.2.
    return str(_T2S.convert(text))


def _keep(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def blank_punctuation(text: str) -> str:
    """Turn punctuation and symbols into single spaces; trim."""
    kept = "".join(c if _keep(c) else " " for c in text.translate(_JOINERS))
    return _SPACES.sub(" ", kept).strip()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The matching form of ``text``: width, case, script and punctuation folded."""
    return blank_punctuation(script_fold(width_case_fold(text)))


FOLD_STEPS = ("width", "case", "traditional/simplified", "punctuation")


@lru_cache(maxsize=8192)
def fold_steps(text: str) -> tuple[str, str, str, str]:
    """``text`` after each folding step in turn (see ``FOLD_STEPS``): for explanations."""
    width = unicodedata.normalize("NFKC", text.translate(_MARK_SYMBOLS))
    case = width.casefold()
    script = script_fold(case)
    return width, case, script, blank_punctuation(script)
