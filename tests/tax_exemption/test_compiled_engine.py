"""The matching engine as deployed: compiled by mypyc (setup.py), and deciding exactly as its
interpreted sources do."""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import tax_exemption
from tax_exemption.domain import matching
from tax_exemption.domain.matching import match_batch
from tax_exemption.evaluation.corpus import generate_corpus

PACKAGE_DIR = Path(tax_exemption.__file__).parent
COMPILED = [
    *(f"{matching.__name__}.{module.name}" for module in pkgutil.iter_modules(matching.__path__)),
    "tax_exemption.domain.units",
    "tax_exemption.domain.ccc_levels",
]
LINES = 5000
SEED = 20241105

# Run in a subprocess: a path hook that gives the package's own directories a finder of
# sources only, so every module of tax_exemption is imported from its .py file (site-packages
# keep their extensions). It prints where the engine came from and the digest of its result.
INTERPRETED = f"""
import importlib.machinery as machinery
import sys

PACKAGE_DIR = {str(PACKAGE_DIR)!r}


def sources_only(path):
    if path != PACKAGE_DIR and not path.startswith(PACKAGE_DIR + "/"):
        raise ImportError(path)
    return machinery.FileFinder(path, (machinery.SourceFileLoader, machinery.SOURCE_SUFFIXES))


sys.path_hooks.insert(0, sources_only)
sys.path_importer_cache.clear()

from tests.tax_exemption.test_compiled_engine import batch_digest
import tax_exemption.domain.matching.engine as engine

print(engine.__file__)
print(batch_digest())
"""


def batch_digest() -> str:
    """A digest of every decision, drawdown and balance the engine gives on a seeded corpus."""
    corpus = generate_corpus(LINES, seed=SEED)
    result = match_batch(corpus.lines, corpus.items, corpus.ledger_view)
    content = repr((result.decisions, result.drawdowns, sorted(result.balances.items())))
    return hashlib.sha256(content.encode()).hexdigest()


def test_every_engine_module_runs_compiled() -> None:
    interpreted = [
        name for name in COMPILED if not str(importlib.import_module(name).__file__).endswith(".so")
    ]
    assert not interpreted, f"not compiled (run `make install`): {interpreted}"


def test_the_compiled_engine_decides_as_its_sources_do() -> None:
    run = subprocess.run(
        [sys.executable, "-c", INTERPRETED],
        cwd=PACKAGE_DIR.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    engine_file, digest = run.stdout.split()
    assert engine_file.endswith("engine.py")  # the sources ran, not the extension
    assert digest == batch_digest()
