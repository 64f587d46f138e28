"""Canonical forms of the free-text fields that filers write in many ways.

Model numbers lose case, spaces, hyphens, slashes and dots (``VF-2SS``, ``vf 2ss``, ``VF/2SS``
are one model) and fold the letters most often typed for digits (O→0, I→1). Descriptions lose
width, case and punctuation so that full-width ``ＣＮＣ　ＬＡＴＨＥ`` equals ``CNC LATHE``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["certificate_key", "compact", "exact_text", "figures", "model_key", "text_key"]

_CACHE = 1 << 16
_NOT_ALNUM = re.compile(r"[\W_]+")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_MODEL_FOLD = str.maketrans({"O": "0", "I": "1"})
# The ASCII fast path (most model and certificate numbers): one C-level ``translate`` that
# upper-cases letters and drops everything but letters and digits, which for ASCII is exactly
# what NFKC, ``text_key`` and the removal of spaces do together.
_ASCII_COMPACT = str.maketrans(
    {chr(c): (chr(c).upper() if chr(c).isalnum() else None) for c in range(128)}
)
_ASCII_MODEL = str.maketrans(
    {
        chr(c): (chr(c).upper().translate(_MODEL_FOLD) if chr(c).isalnum() else None)
        for c in range(128)
    }
)


@lru_cache(maxsize=_CACHE)
def text_key(raw: str) -> str:
    """Upper-case words separated by single spaces, punctuation and width differences removed."""
    return _NOT_ALNUM.sub(" ", unicodedata.normalize("NFKC", raw).upper()).strip()


@lru_cache(maxsize=_CACHE)
def compact(raw: str) -> str:
    """``text_key`` without any spaces: spacing noise ("CNCLATHE", "數控 車床") vanishes."""
    if raw.isascii():
        return raw.translate(_ASCII_COMPACT)
    return text_key(raw).replace(" ", "")


def model_key(raw: str) -> str:
    """The identity of a model number, insensitive to formatting and O/0, I/1 confusion.

    The ASCII path is not cached: its ``translate`` costs what a cache hit costs, and a large
    batch brings more distinct model numbers (each line's own noise) than a bounded cache
    holds, which would only cycle through it missing every time.
    """
    if raw.isascii():
        return raw.translate(_ASCII_MODEL)
    return _unicode_model_key(raw)


@lru_cache(maxsize=_CACHE)
def _unicode_model_key(raw: str) -> str:
    return compact(raw).translate(_MODEL_FOLD)


@lru_cache(maxsize=_CACHE)
def certificate_key(raw: str) -> str:
    """A certificate number without separators or case: ``112-a-004521`` → ``112A004521``."""
    return compact(raw)


@lru_cache(maxsize=_CACHE)
def figures(raw: str) -> tuple[str, ...]:
    """The numbers a spec states, sorted: ``行程 762MM, 12000RPM`` → ``("12000", "762")``."""
    return tuple(sorted(_FIGURE.findall(unicodedata.normalize("NFKC", raw))))


def exact_text(description: str, spec: str) -> str:
    """Description and spec in one key: equal keys are the same goods when there is no model."""
    return f"{compact(description)}\x1f{compact(spec)}"
