"""Declaration-matching benchmark (issue #4): see bench/tax_exemption_bench.py.

python bench/tax_exemption.py [--quick] [--out FILE]
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
    from bench.tax_exemption_bench import main

    main()
