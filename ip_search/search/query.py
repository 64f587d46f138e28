"""The analysed form of a search query, remembered: one search needs it several times, and
popular queries repeat (``query_keys`` runs pinyin and script conversion, ~0.3 ms)."""

from __future__ import annotations

from functools import lru_cache

from ip_search.text import MarkKeys
from ip_search.text import query_keys as analyse


@lru_cache(maxsize=8192)
def query_keys(query: str) -> MarkKeys:
    """``ip_search.text.query_keys``, cached (MarkKeys is immutable, so sharing it is safe)."""
    return analyse(query)
