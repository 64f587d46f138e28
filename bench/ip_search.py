"""Trademark search benchmark (issue #3).

    python bench/ip_search.py [--quick] [--out FILE] [--marks N] [--keep-database NAME]

Builds a synthetic register of 1,000,000 marks (``--quick``: 50,000) in a scratch database and
measures, in one run: req/s and p50/p99 at 16 connections for similar, exact and prefix search
and for a raw asyncpg PK select (the yardstick); p99 at a fixed 35 searches/s; Seq Scan nodes in
the plans of every search statement; recall@10 of the labelled relevance set; bulk download
MB/s of a dataset file vs nginx serving it. Goals: ``similar_ratio`` >= 0.25 with
``similar_p99_ms`` <= 50; ``download_ratio`` >= 0.5. Needs PostgreSQL, Redis, wrk and nginx.

``--keep-database NAME`` builds the register into database NAME once and reuses it on later
runs (for iterating on search code; see ``bench/ip_search_bench.py``; drop NAME by hand).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, where this module would shadow
# the ``ip_search`` package for everything imported after it. Import from the repo root.
_BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH_DIR]
sys.path.insert(0, str(_BENCH_DIR.parent))

if __name__ == "__main__":
    from bench.ip_search_bench import main

    main()
