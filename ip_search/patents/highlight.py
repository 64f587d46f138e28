"""Snippets with highlights: ts_headline's marks plus the CJK terms, rendered as safe HTML.

PostgreSQL marks the matched words with private-use characters (documents cannot contain them:
the importer strips them), which cannot collide with any text; CJK runs are one "word" to its
parser, so the query's CJK terms are marked here, on the traditional/simplified-folded text.
Then everything is HTML-escaped and only the marks become ``<mark>`` elements.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from ip_search.patents.cjk import fold

__all__ = ["HEADLINE_OPTIONS", "START", "STOP", "render"]

START, STOP = "\ue000", "\ue001"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, "
    "MaxFragments=2, FragmentDelimiter=' … '"
)
CONTEXT = 60


def render(text: str, cjk_terms: Sequence[str], max_chars: int = 400) -> str:
    marked = _crop(_mark(text, cjk_terms), max_chars)
    return html.escape(marked).replace(START, "<mark>").replace(STOP, "</mark>")


def _mark(text: str, terms: Sequence[str]) -> str:
    folded = fold(text)
    if len(folded) != len(text):  # a conversion that changed lengths: compare unfolded
        folded = text
    spans = sorted(span for term in {fold(t) for t in terms} for span in _find(folded, term))
    for start, end in reversed(_merge(spans)):
        text = f"{text[:start]}{START}{text[start:end]}{STOP}{text[end:]}"
    return text


def _find(text: str, term: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(term)
    while term and start >= 0:
        spans.append((start, start + len(term)))
        start = text.find(term, start + 1)
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _crop(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    first = text.find(START)
    begin = max(0, first - CONTEXT) if first >= 0 else 0
    # The window starts before the first mark, so only its end can cut a mark open.
    cropped = text[begin : begin + max_chars]
    if cropped.rfind(START) > cropped.rfind(STOP):
        cropped += STOP
    prefix = "…" if begin > 0 else ""
    suffix = "…" if begin + max_chars < len(text) else ""
    return f"{prefix}{cropped}{suffix}"
