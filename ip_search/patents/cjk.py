"""CJK text as full-text terms: overlapping bigrams, traditional/simplified folded.

PostgreSQL's parser keeps a run of Chinese, Japanese or Korean characters as one "word", so
「鋰電池」 inside 「一種鋰電池的製造方法」 would never match. Both the importer (for the stored
search columns) and the query compiler (for the tsquery) turn every CJK run into its bigrams,
「鋰電 電池」, after folding traditional to simplified (OpenCC ``t2s``), so a phrase query on the
bigrams finds the run anywhere and a simplified query finds a traditional document.
"""

from __future__ import annotations

import re

import opencc

__all__ = ["cjk_runs", "fold", "index_text", "non_cjk_text", "query_grams"]

# Han (with extension A and compatibility ideographs), kana, Hangul syllables and jamo.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
_RUN = re.compile(f"[{_CJK}]+")
_T2S = opencc.OpenCC("t2s")


def fold(text: str) -> str:
    folded: str = _T2S.convert(text)  # OpenCC.convert is untyped (Any) in opencc 1.4.2
    return folded


def cjk_runs(text: str) -> list[str]:
    return _RUN.findall(text)


def non_cjk_text(text: str) -> str:
    return _RUN.sub(" ", text)


def _bigrams(run: str) -> str:
    folded = fold(run)
    if len(folded) < 2:
        return folded
    grams = [folded[i : i + 2] for i in range(len(folded) - 1)]
    return " ".join(grams)


def _index_grams(run: str) -> str:
    # The last character also stands alone, so a one-character query (a prefix of the
    # bigrams) finds it at the end of a run too.
    grams = _bigrams(run)
    return grams if len(grams) < 2 else f"{grams} {grams[-1]}"


def index_text(text: str | None) -> str:
    """What the stored search column holds beside the text itself: the bigrams of its runs."""
    return " , ".join(_index_grams(run) for run in cjk_runs(text or ""))


def query_grams(run: str) -> str:
    """The bigram phrase of one query run (a single character stays itself)."""
    return _bigrams(run)
