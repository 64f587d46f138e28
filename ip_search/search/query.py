"""The analysed form of a search query, remembered: one search needs it several times (the
service, then its backend, with the event loop between them), and ``query_keys`` runs pinyin
and script conversion (~0.3 ms).

Remembered for a few hundred queries, enough for the searches in flight: a query asked again
later is answered from the response cache without analysis. A larger cache cost more than it
saved. Under cold searches every entry is a young object that outlives its request, and the
collector traverses all of them (``common.gc_tuning``). With 8,192 entries the young
collections of a served app took 5-50 ms and its middle ones 25-70 ms; with 256 (and
``scoring.prepare`` likewise cut), 4-6 ms, and the p99 of cold similar searches at 16
connections fell from 19-35 to 18-20 ms.
"""

from __future__ import annotations

from functools import lru_cache

from ip_search.text import MarkKeys
from ip_search.text import query_keys as analyse


@lru_cache(maxsize=256)
def query_keys(query: str) -> MarkKeys:
    """``ip_search.text.query_keys``, cached (MarkKeys is immutable, so sharing it is safe)."""
    return analyse(query)
