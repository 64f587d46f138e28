"""Investment benchmark: the survey season's peak on loopback.

    python bench/investment.py [--quick] [--out FILE]

Seeds a scratch database (registry, last year's filed campaign, this year's open one), serves
the investment app as replicas (one uvicorn process each, one per core, as the chart runs
it), and lets many concurrent factories, their connections spread evenly over the replicas,
open their prefilled returns and save drafts (aiohttp load processes), then submit with
Idempotency-Keys (wrk, one process per replica, whose CPU per request is a fraction of
aiohttp's on the cores the server shares; some submits are retried with the same key, as a
flaky network would). Then
it checks the database: every acknowledged submission is there exactly once, with the receipt
it was given and one audit row. It also reports the CPU time the server and PostgreSQL spend
per request, which a busy shared host disturbs far less than the wall-clock rates.
Metric keys: submits_per_s, submit_p99_ms, acknowledged, lost_submissions,
duplicate_submissions (goal: >= 1,000 submits/s with p99 <= 200 ms on two cores).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, where this module would shadow
# the ``investment`` package for everything imported after it. Import from the repo root.
_BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH_DIR]
sys.path.insert(0, str(_BENCH_DIR.parent))

if __name__ == "__main__":
    from bench.investment_bench import main

    main()
