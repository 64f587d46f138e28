"""Declaration-matching benchmark (issue #4): accuracy on the evaluation corpus, the engine's
speed in memory, and the whole persisted path.

    python bench/tax_exemption.py [--quick] [--out FILE]

Metric keys of the issue: ``lines``, ``auto_match_rate`` (goal >= 0.995), ``false_auto_matches``
(goal 0), ``review_share``, ``engine_lines_per_s`` (the whole batch through ``match_batch`` in
memory: index, exact pass, fuzzy pass, running ledger; goal >= 100,000; best wall time, and
``engine_cpu_lines_per_s`` over the best run's CPU time, steadier on a shared machine). Added here:
``persisted_lines_per_s``: the same corpus stored in PostgreSQL and matched by the service as
the worker runs it (item rows locked, ledger entries, balances and every line's decision
written) in one transaction, with the CPU it took per line in this process and in its
PostgreSQL backend (``persisted_python_cpu_us_per_line``,
``persisted_postgres_cpu_us_per_line``). PostgreSQL: ``BENCH_DATABASE_URL`` (a scratch
database is created and dropped), default postgresql://postgres@127.0.0.1:5432/postgres; set
``BENCH_SKIP_DB=1`` to skip the persisted path. Yardstick: the bare dictionary loop of the
engine benchmark.
"""

from __future__ import annotations

import os
import time

from bench.harness import (
    argument_parser,
    machine_info,
    print_table,
    scratch_database,
    sqlalchemy_url,
    write_results,
)
from bench.tax_exemption_engine_bench import SEED, _bare_loop, _best_of, engine_compiled
from bench.tax_exemption_persisted import persisted_run
from tax_exemption.domain.matching import DEFAULT_CONFIG, match_batch
from tax_exemption.evaluation.corpus import Corpus, generate_corpus
from tax_exemption.evaluation.metrics import evaluate

NAME = "tax_exemption"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def main() -> None:
    args = argument_parser(NAME, __doc__ or "").parse_args()
    target = 20_000 if args.quick else 100_000
    runs = 2 if args.quick else 3
    corpus = generate_corpus(target, seed=SEED)
    lines = len(corpus.lines)
    score = evaluate(corpus, match_batch(corpus.lines, corpus.items, corpus.ledger_view))
    engine = _best_of(runs, lambda: match_batch(corpus.lines, corpus.items, corpus.ledger_view))
    engine_cpu = _best_of(
        runs, lambda: match_batch(corpus.lines, corpus.items, corpus.ledger_view), time.process_time
    )
    bare = _best_of(runs, lambda: _bare_loop(corpus))
    metrics: dict[str, float | int] = {
        "lines": lines,
        "auto_match_rate": round(score.auto_match_rate, 5),
        "false_auto_matches": score.false_auto_matches,
        "review_share": round(score.review_share, 5),
        "unmatched_safe_rate": round(score.unmatched_safe_rate, 5),
        "engine_lines_per_s": round(lines / engine),
        "engine_cpu_lines_per_s": round(lines / engine_cpu),
        "bare_loop_lines_per_s": round(lines / bare),
        "engine_vs_bare_loop": round(bare / engine, 4),
    }
    params: dict[str, object] = {
        "quick": args.quick,
        "seed": SEED,
        "engine_compiled": engine_compiled(),
        "items": len(corpus.items),
    }
    if not os.environ.get("BENCH_SKIP_DB"):
        metrics |= _persisted(corpus, params)
    # Rates as text: the shared table rounds floats to 2 places, which hides 0.995 vs 0.999.
    print_table(["metric", "value"], [[name, str(value)] for name, value in metrics.items()])
    print(f"engine compiled by mypyc: {params['engine_compiled']}")
    write_results(args.out, metrics=metrics, params=params, machine=machine_info())
    print(f"\nwritten to {args.out}")


def _persisted(corpus: Corpus, params: dict[str, object]) -> dict[str, float | int]:
    server = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER)
    started = time.perf_counter()
    with scratch_database(server, prefix="bench_tax_exemption") as url:
        run = persisted_run(sqlalchemy_url(url), corpus)
    params["persisted_counts"] = run.counts
    params["persisted_setup_and_run_s"] = round(time.perf_counter() - started, 1)
    params["config"] = {n: getattr(DEFAULT_CONFIG, n) for n in DEFAULT_CONFIG.__dataclass_fields__}
    lines = len(corpus.lines)
    return {
        "persisted_lines_per_s": round(run.lines_per_s),
        "persisted_python_cpu_us_per_line": round(run.python_cpu_s / lines * 1e6, 1),
        "persisted_postgres_cpu_us_per_line": round(run.postgres_cpu_s / lines * 1e6, 1),
    }
