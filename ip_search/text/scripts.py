"""Which writing system a character belongs to, and splitting text into single-script runs."""

from __future__ import annotations

import re
from enum import StrEnum

# Han (CJK unified + extension A + compatibility + supplementary planes), kana, Hangul.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA = "\u3040-\u30ff\u31f0-\u31ff"
_HANGUL = "\uac00-\ud7af\u1100-\u11ff"
_CJK_RUN = re.compile(f"[{_HAN}{_KANA}{_HANGUL}]+")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_RUNS = re.compile(f"[{_HAN}{_KANA}{_HANGUL}]+|[^{_HAN}{_KANA}{_HANGUL}\\s]+")


class Script(StrEnum):
    """A run of text is either CJK (no spaces between words) or alphabetic/digits."""

    CJK = "cjk"
    LATIN = "latin"


def runs(text: str) -> list[tuple[Script, str]]:
    """Split folded text into maximal single-script runs, spaces dropped."""
    return [
        (Script.CJK if _CJK_RUN.fullmatch(run) else Script.LATIN, run)
        for run in _RUNS.findall(text)
    ]


def is_han(char: str) -> bool:
    """True for a Chinese character (what pinyin can be computed for)."""
    return _HAN_CHAR.fullmatch(char) is not None


def cjk_chars(text: str) -> str:
    """Only the CJK characters of ``text``, in order."""
    return "".join(_CJK_RUN.findall(text))
