"""Generic (non-distinctive) words that never make two marks similar.

TIPO names a device mark "XX及圖" ("XX and device"), company names end in 股份有限公司 or
"CO., LTD." and "TM" is a notice, not part of a mark: matching on them would make every mark look
like every other. Lists are written in traditional script and folded like any mark text, so they
match text in either script.
"""

from __future__ import annotations

import re
from functools import cache

from ip_search.text.normalize import fold

# CJK phrases removed wherever they appear, longest first so 股份有限公司 wins over 公司.
_CJK_ANYWHERE = (
    "股份有限公司",
    "有限責任公司",
    "有限公司",
    "企業社",
    "設計字及圖",
    "設計字",
    "設計圖",
    "及圖",
    "商標",
    "標章",
)
# CJK suffixes removed only at the end of a run that keeps at least one character (黑松牌 -> 黑松).
_CJK_SUFFIXES = ("公司", "牌", "圖", "形")
_LATIN_WORDS = frozenset(
    {
        "tm",
        "sm",
        "r",
        "co",
        "ltd",
        "inc",
        "corp",
        "corporation",
        "company",
        "llc",
        "l l c",
        "gmbh",
        "plc",
        "limited",
        "logo",
        "device",
    }
)


@cache
def _anywhere_pattern() -> re.Pattern[str]:
    phrases = sorted({fold(p) for p in _CJK_ANYWHERE}, key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in phrases))


@cache
def _suffixes() -> tuple[str, ...]:
    return tuple(sorted({fold(s) for s in _CJK_SUFFIXES}, key=len, reverse=True))


def is_generic_latin(word: str) -> bool:
    """True for a folded Latin word that carries no distinctiveness (``ltd``, ``tm`` ...)."""
    return word in _LATIN_WORDS


def strip_generic_cjk(run: str) -> str:
    """Remove generic phrases from a folded CJK run; return what is left (maybe empty)."""
    stripped = _anywhere_pattern().sub(" ", run)
    parts = [_strip_suffix(part) for part in stripped.split()]
    return " ".join(p for p in parts if p)


def _strip_suffix(part: str) -> str:
    for suffix in _suffixes():
        if part.endswith(suffix) and len(part) > len(suffix):
            return part[: -len(suffix)]
    return part
