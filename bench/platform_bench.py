"""Runner of ``bench/platform.py``: seeds a scratch database, serves each variant, loads it.

All variants are served at once (an idle server costs nothing) and measured in rounds, one after
the other; each variant keeps its best round. On a shared host, interference only ever slows a
round down, so the best round is the closest to what the code can do, and interleaving the
rounds keeps a burst of noise from landing on one variant only. The server's CPU time per
request is reported too: it does not depend on what else the host is doing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
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
from bench.platform_apps import CONFIG_VARIABLE, SCHEMA, metadata
from common.auth.dev_issuer import DevIssuer
from common.auth.principal import Role

NAME = "platform"
APPS = "bench.platform_apps"
ITEM_COUNT = 10_000
POOL_SIZE = 10
GOAL_RATIO = 0.5
STATS_FLUSH_SECONDS = 1.5  # PostgreSQL publishes a backend's counters at most once a second
FULL = Load(connections=32, duration_seconds=10, warmup_seconds=3)
QUICK = Load(connections=32, duration_seconds=3, warmup_seconds=1)
FULL_ROUNDS = 3
QUICK_ROUNDS = 1
DESCRIPTION = (
    "Requests/s and p99 of GET /items/{id}: bare FastAPI, raw asyncpg, and the full platform "
    "stack (goal: full stack >= 0.5 x raw asyncpg)."
)


@dataclass(frozen=True, slots=True)
class Variant:
    key: str
    label: str
    factory: str
    authenticated: bool


VARIANTS = (
    Variant("bare_json", "(a) bare FastAPI JSON route", f"{APPS}:bare_app", False),
    Variant("raw_asyncpg", "(b) PK select, raw asyncpg", f"{APPS}:raw_asyncpg_app", False),
    Variant("full_stack", "(c) PK select, full platform stack", f"{APPS}:full_stack_app", True),
    Variant(
        "full_stack_session",
        "(c') as (c), ORM session",
        f"{APPS}:full_stack_session_app",
        True,
    ),
    Variant("audited_read", "(d) as (c) + one audit event", f"{APPS}:audited_app", True),
)


def main() -> None:
    arguments = _parser().parse_args()
    require_wrk()
    load, rounds = (QUICK, QUICK_ROUNDS) if arguments.quick else (FULL, FULL_ROUNDS)
    with (
        tempfile.TemporaryDirectory() as scratch,
        scratch_database(arguments.database_url, prefix="moea_bench_platform") as dsn,
    ):
        asyncio.run(_seed(dsn))
        key_path = Path(scratch) / "issuer.pem"
        issuer = DevIssuer.load_or_create(key_path, issuer="moea-dev-issuer", audience="moea-cloud")
        config = _server_config(dsn, arguments.redis_url, issuer, key_path)
        token = issuer.issue(Role.OFFICER, agency="TIPO", lifetime_seconds=3600)
        results, rollbacks = _run(config, token, load, rounds, dsn)
    metrics = _metrics(results, rollbacks)
    _report(results, metrics)
    machine = machine_info(postgresql=_server_version(arguments.database_url))
    write_results(arguments.out, metrics=metrics, params=_params(load, rounds), machine=machine)
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


async def _seed(dsn: str) -> None:
    """The bench schema as the apps define it (items, audit and outbox tables), then items."""
    engine = create_async_engine(sqlalchemy_url(dsn))
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
            await connection.run_sync(metadata.create_all)
            await connection.execute(
                text(f"""
                INSERT INTO {SCHEMA}.item
                SELECT n, 'item ' || n, lpad(n::text, 8, '0'),
                       CASE WHEN n % 3 = 0 THEN 'archived' ELSE 'active' END,
                       now() - n * interval '1 minute'
                FROM generate_series(1, {ITEM_COUNT}) AS n""")
            )
            await connection.execute(text(f"ANALYZE {SCHEMA}.item"))
    finally:
        await engine.dispose()


def _server_config(dsn: str, redis_url: str, issuer: DevIssuer, key_path: Path) -> str:
    settings = {
        "environment": "development",
        "database_url": sqlalchemy_url(dsn),
        "database_pool_size": POOL_SIZE,
        "database_max_overflow": 0,  # the same connection count as the raw pool
        "redis_url": redis_url,
        "dev_issuer_key_path": str(key_path),
        "jwt_issuer": issuer.issuer,
        "jwt_audience": issuer.audience,
        # The limiter still runs on every request; a budget this load never exhausts keeps
        # 429s out of the numbers.
        "rate_limit_anonymous": "1000000/second",
        "rate_limit_authenticated": "1000000/second",
        "log_level": "WARNING",
    }
    return json.dumps({"dsn": dsn, "pool_size": POOL_SIZE, "settings": settings})


def _run(
    config: str, token: str, load: Load, rounds: int, dsn: str
) -> tuple[dict[str, LoadResult], float]:
    """Best round of each variant, and PostgreSQL rollbacks per full-stack request (round 1)."""
    routes = {v.key: _route(v, token) for v in VARIANTS}
    rounds_of: dict[str, list[LoadResult]] = {v.key: [] for v in VARIANTS}
    rollbacks_per_request = 0.0
    factories = {v.key: v.factory for v in VARIANTS}
    env = {CONFIG_VARIABLE: config}
    with uvicorn_servers(factories, env=env, ready_path="/items/1") as servers:
        for variant in VARIANTS:
            _check_answer(servers[variant.key], routes[variant.key])
            warm_up(servers[variant.key], load, routes[variant.key])
        for number in range(1, rounds + 1):
            for variant in VARIANTS:
                print(f"round {number}/{rounds}: {variant.label}", file=sys.stderr)
                counted = variant.key == "full_stack_session" and number == 1
                before = _rollbacks(dsn) if counted else 0
                rounds_of[variant.key].append(
                    measure(servers[variant.key], load, routes[variant.key])
                )
                if counted:
                    rollbacks = _rollbacks(dsn) - before
                    rollbacks_per_request = rollbacks / max(
                        rounds_of["full_stack_session"][0].requests, 1
                    )
    best = {key: max(runs, key=lambda r: r.requests_per_second) for key, runs in rounds_of.items()}
    return best, rollbacks_per_request


def _route(variant: Variant, token: str) -> Route:
    headers = (f"Authorization: Bearer {token}",) if variant.authenticated else ()
    return Route(prefix="/items/", id_count=ITEM_COUNT, headers=headers)


def _check_answer(server: Server, route: Route) -> None:
    """Refuse to measure a route that does not return the right row."""
    request = urllib.request.Request(f"{server.url}{route.prefix}42")
    for header in route.headers:
        name, _, value = header.partition(": ")
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=5) as response:
        body = json.loads(response.read())
    if body.get("id") != 42:
        raise RuntimeError(f"{request.full_url} answered {body!r}")


def _rollbacks(dsn: str) -> int:
    """Transactions rolled back in the scratch database so far: BEGIN/ROLLBACK reads show here."""

    async def query() -> int:
        await asyncio.sleep(STATS_FLUSH_SECONDS)
        connection = await asyncpg.connect(dsn)
        try:
            sql = "SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()"
            return int(await connection.fetchval(sql))
        finally:
            await connection.close()

    return asyncio.run(query())


def _metrics(results: dict[str, LoadResult], rollbacks_per_request: float) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for key, result in results.items():
        metrics[f"{key}_rps"] = round(result.requests_per_second, 1)
        metrics[f"{key}_p99_ms"] = round(result.p99_ms, 2)
        metrics[f"{key}_server_cpu_us_per_request"] = round(result.server_cpu_us_per_request, 1)
    metrics["full_stack_ratio"] = round(
        results["full_stack"].requests_per_second / results["raw_asyncpg"].requests_per_second, 3
    )
    metrics["full_stack_session_db_rollbacks_per_request"] = round(rollbacks_per_request, 3)
    return metrics


def _report(results: dict[str, LoadResult], metrics: dict[str, float]) -> None:
    raw = results["raw_asyncpg"].requests_per_second
    headers = ["route", "req/s", "p50 ms", "p99 ms", "x raw asyncpg", "CPU us/req", "errors"]
    rows = [
        [v.label, r.requests_per_second, r.p50_ms, r.p99_ms, r.requests_per_second / raw,
         r.server_cpu_us_per_request, r.errors]
        for v in VARIANTS
        for r in [results[v.key]]
    ]  # fmt: skip
    print()
    print_table(headers, rows)
    ratio = metrics["full_stack_ratio"]
    verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
    print(f"\nfull_stack_ratio = {ratio:.3f} (goal >= {GOAL_RATIO}: {verdict})")
    rollbacks = metrics["full_stack_session_db_rollbacks_per_request"]
    print(f"PostgreSQL rollbacks per full-stack request: {rollbacks} (0: no BEGIN/ROLLBACK)")


def _params(load: Load, rounds: int) -> dict[str, Any]:
    return {
        "connections": load.connections,
        "duration_seconds": load.duration_seconds,
        "warmup_seconds": load.warmup_seconds,
        "rounds": rounds,
        "aggregate": "best round per variant; rounds interleave the variants",
        "wrk_threads": load.threads,
        "server": "uvicorn, 1 worker, uvloop + httptools, no access log",
        "items": ITEM_COUNT,
        "pool_size": POOL_SIZE,
    }


def _server_version(server_url: str) -> str:
    async def query() -> str:
        connection = await asyncpg.connect(server_url)
        try:
            return str(await connection.fetchval("SHOW server_version"))
        finally:
            await connection.close()

    return asyncio.run(query())
