"""The matching engine as deployed: compiled by mypyc (setup.py), and deciding exactly as its
interpreted sources do."""

from __future__ import annotations

import hashlib

from tax_exemption.domain import ccc_levels, matching, units
from tax_exemption.domain.matching import engine, match_batch
from tax_exemption.evaluation.corpus import generate_corpus
from tests.compiled_sources import not_compiled, run_interpreted

LINES = 5000
SEED = 20241105


def batch_digest() -> str:
    """A digest of every decision, drawdown and balance the engine gives on a seeded corpus."""
    corpus = generate_corpus(LINES, seed=SEED)
    result = match_batch(corpus.lines, corpus.items, corpus.ledger_view)
    content = repr((result.decisions, result.drawdowns, sorted(result.balances.items())))
    return hashlib.sha256(content.encode()).hexdigest()


def test_every_engine_module_runs_compiled() -> None:
    interpreted = not_compiled(matching)
    interpreted += [m.__name__ for m in (units, ccc_levels) if not str(m.__file__).endswith(".so")]
    assert not interpreted, f"not compiled (run `make install`): {interpreted}"


def test_the_compiled_engine_decides_as_its_sources_do() -> None:
    output = run_interpreted(
        engine,
        "from tests.tax_exemption.test_compiled_engine import batch_digest\n"
        "import tax_exemption.domain.matching.engine as engine\n"
        "print(engine.__file__)\n"
        "print(batch_digest())\n",
    )
    engine_file, digest = output.split()
    assert engine_file.endswith("engine.py")  # the sources ran, not the extension
    assert digest == batch_digest()
