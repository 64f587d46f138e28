"""Similar search CPU, stage by stage, in process (issue #3): see bench/ip_search_cpu_bench.py.

python bench/ip_search_cpu.py [--quick] [--out FILE] [--register NAME]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, where bench/platform.py would
# shadow the standard library's ``platform``. Import from the repo root.
_BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH_DIR]
sys.path.insert(0, str(_BENCH_DIR.parent))

if __name__ == "__main__":
    from bench.ip_search_cpu_bench import main

    main()
