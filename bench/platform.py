"""Platform benchmark: what our stack costs over the framework and the raw driver.

    python bench/platform.py [--quick] [--out FILE]

Measures, in one run and one after the other, ``GET /items/{id}`` served by:
  (a) a bare FastAPI route (the framework's yardstick),
  (b) one PK select on a raw asyncpg pool,
  (c) the same select through the platform: ``create_service_app`` with all its middleware, a
      real bearer token from the development issuer, ``SessionDep`` on a ``ServiceRouter`` and a
      pydantic ``response_model``.
Goal (issue #2): ``full_stack_ratio`` = (c) / (b) >= 0.5. Needs PostgreSQL (a scratch database
is created and dropped), Redis, and wrk.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, where this module would shadow
# the standard library's ``platform`` for everything imported after it. Import from the repo root.
_BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH_DIR]
sys.path.insert(0, str(_BENCH_DIR.parent))

if __name__ == "__main__":
    from bench.platform_bench import main

    main()
