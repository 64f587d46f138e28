"""Inspection benchmark: the public check, warm cache and cold, against a bare FastAPI route.

    python bench/inspection.py [--quick] [--out FILE]

Measures ``GET /public-checks/cns_mark/{number}`` (a ledgered record: its status is replayed
from its events) at 32 connections, served by:
  (a) a bare FastAPI route answering a document of the same shape (the yardstick),
  (b) the inspection app with the answers cached (warm: in its memory, checked against the
      cache generation in Redis),
  (c) the inspection app with every lookup missing the cache (cold: PostgreSQL each time).
Every variant runs the full platform edge except the yardstick. Goal (issue #6):
``warm_ratio`` = (b) / (a) >= 0.6. Needs PostgreSQL (a scratch database is created, migrated
with the real Alembic tree and dropped), Redis, and wrk.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path; import from the repository root.
_BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH_DIR]
sys.path.insert(0, str(_BENCH_DIR.parent))

if __name__ == "__main__":
    from bench.inspection_bench import main

    main()
