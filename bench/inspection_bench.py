"""Runner of ``bench/inspection.py``: seeds CNS marks, serves the variants, loads them."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import urllib.request
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.harness import (
    Load,
    LoadResult,
    Route,
    Server,
    argument_parser,
    machine_info,
    measure,
    print_table,
    require_wrk,
    scratch_database,
    sqlalchemy_url,
    uvicorn_servers,
    warm_up,
    write_results,
)
from bench.inspection_apps import CONFIG_VARIABLE
from common.migrations import upgrade
from inspection.app import MANIFEST

NAME = "inspection"
APPS = "bench.inspection_apps"
GOAL_RATIO = 0.6
# Numbers are "50000" + n: 6-10 digits, a valid CNS mark number for every n wrk picks.
PREFIX = "/public-checks/cns_mark/50000"
FULL = Load(connections=32, duration_seconds=10, warmup_seconds=4)
QUICK = Load(connections=32, duration_seconds=3, warmup_seconds=2)
FULL_MARKS, QUICK_MARKS = 5_000, 1_000
FULL_ROUNDS, QUICK_ROUNDS = 3, 1
POOL_SIZE = 10
DESCRIPTION = (
    "Requests/s and p99 of the public check (warm cache and cold) next to a bare FastAPI JSON "
    "route (goal: warm >= 0.6 x the bare route)."
)


@dataclass(frozen=True, slots=True)
class Variant:
    key: str
    label: str
    factory: str


VARIANTS = (
    Variant("yardstick", "(a) bare FastAPI JSON route", f"{APPS}:yardstick_app"),
    Variant("warm", "(b) public check, warm cache", f"{APPS}:warm_app"),
    Variant("cold", "(c) public check, cache miss (PostgreSQL)", f"{APPS}:cold_app"),
)


def main() -> None:
    arguments = _parser().parse_args()
    require_wrk()
    load, rounds = (QUICK, QUICK_ROUNDS) if arguments.quick else (FULL, FULL_ROUNDS)
    marks = QUICK_MARKS if arguments.quick else FULL_MARKS
    with scratch_database(arguments.database_url, prefix="moea_bench_inspection") as dsn:
        upgrade(MANIFEST.migrations, sqlalchemy_url(dsn))
        asyncio.run(_seed(dsn, marks))
        results = _run(_server_config(dsn, arguments.redis_url), load, rounds, marks)
    metrics = _metrics(results)
    _report(results, metrics)
    params = {
        "connections": load.connections,
        "duration_seconds": load.duration_seconds,
        "rounds": rounds,
        "cns_marks": marks,
        "route": PREFIX + "{n}",
        "quick": arguments.quick,
    }
    write_results(arguments.out, metrics=metrics, params=params, machine=machine_info())
    print(f"\nwrote {arguments.out}")
    if any(result.errors for result in results.values()):
        raise SystemExit("some requests failed: the numbers above are not valid")


def _parser() -> argparse.ArgumentParser:
    parser = argument_parser(NAME, DESCRIPTION)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server (a scratch database is created on it and dropped after)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    return parser


async def _seed(dsn: str, marks: int) -> None:
    """``marks`` CNS mark certificates, each issued once (one ledger event)."""
    engine = create_async_engine(sqlalchemy_url(dsn))
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("""
                INSERT INTO inspection.cns_mark (number, cns_standard, product_name,
                    firm_business_id, firm_name, factory_name, factory_address,
                    valid_from, valid_until)
                SELECT '50000' || n, 'CNS ' || (1000 + n % 500), '鋼筋混凝土用鋼筋 ' || n,
                       '04595257', '東和鋼鐵企業股份有限公司', '苗栗廠', '苗栗縣後龍鎮',
                       DATE '2024-06-01', DATE '2030-05-31'
                FROM generate_series(1, :marks) AS n"""),
                {"marks": marks},
            )
            await connection.execute(
                text("""
                INSERT INTO inspection.cns_mark_event (subject_id, action, at, actor,
                    valid_from, valid_until)
                SELECT id, 'issue', TIMESTAMPTZ '2024-05-20 09:00+08', 'bench',
                       valid_from, valid_until
                FROM inspection.cns_mark"""),
            )
            for table in ("cns_mark", "cns_mark_event"):
                await connection.execute(text(f"ANALYZE inspection.{table}"))
    finally:
        await engine.dispose()


def _server_config(dsn: str, redis_url: str) -> str:
    settings = {
        "environment": "development",
        "database_url": sqlalchemy_url(dsn),
        "database_pool_size": POOL_SIZE,
        "database_max_overflow": 0,
        "redis_url": redis_url,
        # The limiter still runs on every request; a budget this load never exhausts keeps
        # 429s out of the numbers.
        "rate_limit_anonymous": "1000000/second",
        "rate_limit_authenticated": "1000000/second",
        "public_check_cache_seconds": 600,
        "log_level": "WARNING",
    }
    return json.dumps(settings)


def _run(config: str, load: Load, rounds: int, marks: int) -> dict[str, LoadResult]:
    """Best round of each variant (interference on a shared host only ever slows a round)."""
    route = Route(prefix=PREFIX, id_count=marks)
    rounds_of: dict[str, list[LoadResult]] = {v.key: [] for v in VARIANTS}
    factories = {v.key: v.factory for v in VARIANTS}
    with uvicorn_servers(
        factories, env={CONFIG_VARIABLE: config}, ready_path=PREFIX + "1"
    ) as servers:
        for variant in VARIANTS:
            _check_answer(servers[variant.key])
            warm_up(servers[variant.key], load, route)
        for number in range(1, rounds + 1):
            for variant in VARIANTS:
                print(f"round {number}/{rounds}: {variant.label}", file=sys.stderr)
                rounds_of[variant.key].append(measure(servers[variant.key], load, route))
    return {key: max(runs, key=lambda r: r.requests_per_second) for key, runs in rounds_of.items()}


def _check_answer(server: Server) -> None:
    """Refuse to measure a route that does not answer the check."""
    with urllib.request.urlopen(f"{server.url}{PREFIX}42", timeout=5) as response:
        body: dict[str, Any] = json.loads(response.read())
    if body.get("id") != "5000042" or body.get("status") != "valid":
        raise RuntimeError(f"{server.url}{PREFIX}42 answered {body!r}")


def _metrics(results: dict[str, LoadResult]) -> dict[str, float]:
    yardstick = results["yardstick"].requests_per_second
    return {
        "public_check_warm_rps": round(results["warm"].requests_per_second, 1),
        "public_check_cold_rps": round(results["cold"].requests_per_second, 1),
        "public_check_p99_ms": round(results["warm"].p99_ms, 2),
        "public_check_cold_p99_ms": round(results["cold"].p99_ms, 2),
        "yardstick_json_rps": round(yardstick, 1),
        "warm_ratio": round(results["warm"].requests_per_second / yardstick, 3),
        "cold_ratio": round(results["cold"].requests_per_second / yardstick, 3),
    }


def _report(results: dict[str, LoadResult], metrics: dict[str, float]) -> None:
    rows = [
        [
            variant.label,
            results[variant.key].requests_per_second,
            results[variant.key].p50_ms,
            results[variant.key].p99_ms,
            results[variant.key].server_cpu_us_per_request,
            results[variant.key].errors,
        ]
        for variant in VARIANTS
    ]
    print_table(["variant", "req/s", "p50 ms", "p99 ms", "server CPU µs/req", "errors"], rows)
    verdict = "met" if metrics["warm_ratio"] >= GOAL_RATIO else "NOT met"
    print(f"\nwarm_ratio = {metrics['warm_ratio']:.3f} (goal >= {GOAL_RATIO}: {verdict})")
