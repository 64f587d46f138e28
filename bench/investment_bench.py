"""Runner of ``bench/investment.py`` (see there for what it measures)."""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench import investment_wrk
from bench.harness import (
    Server,
    argument_parser,
    machine_info,
    postgres_backend_pids,
    print_table,
    processes_cpu_seconds,
    scratch_database,
    sqlalchemy_url,
    uvicorn_servers,
    write_results,
)
from bench.investment_load import Job, Outcome, run
from common.migrations import upgrade
from investment.app import MANIFEST
from investment.demo_answers import synthetic_answers
from investment.factories.rows import row_record
from investment.invitations.tokens import FilingTokens
from investment.models import factory, platform_tables, survey_return
from investment.seeding import seed_demo
from investment.settings import InvestmentSettings
from investment.survey import registry_facts

NAME = "investment"
SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
RETRY_SHARE = 0.05
GOAL_SUBMITS_PER_S, GOAL_P99_MS = 1000, 200


@dataclass(frozen=True, slots=True)
class Size:
    factories: int
    processes: int
    concurrency: int  # per load process
    # Replicas of the service, one uvicorn process each (as the chart runs it), one per core:
    # the load spreads its connections evenly over them, as the ingress does. (One uvicorn
    # with two --workers lets the accept race decide, and one took 60 % of the connections.)
    replicas: int
    pool_size: int  # per replica: a request holds its connection for about a millisecond


FULL = Size(factories=20_000, processes=2, concurrency=48, replicas=2, pool_size=10)
QUICK = Size(factories=3_000, processes=1, concurrency=48, replicas=2, pool_size=10)


def main() -> None:
    parser = argument_parser(NAME, "The survey season's peak: open, save, submit returns.")
    arguments = parser.parse_args()
    size = QUICK if arguments.quick else FULL
    with scratch_database(SERVER_URL, prefix="bench_investment") as url:
        database_url = sqlalchemy_url(url)
        upgrade(MANIFEST.migrations, database_url)
        settings = InvestmentSettings(database_url=database_url, redis_url=REDIS_URL)
        items = asyncio.run(_prepare(settings, size.factories))
        metrics, params = _season(settings, size, items)
    params.update(quick=arguments.quick, factories=len(items), retry_share=RETRY_SHARE)
    write_results(arguments.out, metrics=metrics, params=params, machine=machine_info())
    _print(metrics)


async def _prepare(settings: InvestmentSettings, count: int) -> list[dict[str, Any]]:
    """Seed (synthetic registry, filed 2025, open 2026) and make each factory's token/answers."""
    engine = create_async_engine(settings.database_url)
    try:
        await seed_demo(engine, settings, synthetic=count)
        return await _items(engine, settings)
    finally:
        await engine.dispose()


async def _items(engine: AsyncEngine, settings: InvestmentSettings) -> list[dict[str, Any]]:
    tokens = FilingTokens(settings.filing_token_key.get_secret_value().encode(), 24 * 3600)
    rand = random.Random(2026)
    query = (
        select(survey_return.c.id, factory)
        .join(factory, factory.c.registration_number == survey_return.c.registration_number)
        .where(survey_return.c.survey_year == 2026)
        .order_by(survey_return.c.id)
    )
    async with engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    items = []
    for row in rows:
        answers = synthetic_answers(registry_facts(row_record(row._mapping, None)), rand, row.id)
        answers["change_explanation"] = "bench: figures differ from last year"
        items.append(
            {
                "id": row.id,
                "token": tokens.issue(row.id, 2026)[0],
                "answers": answers,
                "retry": rand.random() < RETRY_SHARE,
            }
        )
    return items


def _server_env(settings: InvestmentSettings, size: Size, key_path: Path) -> dict[str, str]:
    return {
        "INVESTMENT_DATABASE_URL": settings.database_url,
        "INVESTMENT_REDIS_URL": REDIS_URL,
        "INVESTMENT_DATABASE_POOL_SIZE": str(size.pool_size),
        "INVESTMENT_RATE_LIMIT_ANONYMOUS": "100000000/minute",
        "INVESTMENT_LOG_LEVEL": "WARNING",
        "INVESTMENT_DEV_ISSUER_KEY_PATH": str(key_path),
    }


def _season(
    settings: InvestmentSettings, size: Size, items: list[dict[str, Any]]
) -> tuple[dict[str, float], dict[str, Any]]:
    with tempfile.TemporaryDirectory() as scratch:
        env = _server_env(settings, size, Path(scratch) / "issuer.pem")
        factories = {f"replica-{n}": "investment.app:create_app" for n in range(size.replicas)}
        with uvicorn_servers(factories, env=env, ready_path="/livez") as servers:
            replicas = Replicas(tuple(servers.values()))
            cpu_start = replicas.cpu_seconds()
            saved, save_span, _ = _saved(replicas.urls, size, items)
            cpu_saved = replicas.cpu_seconds()
            etags = {o.return_id: o.etag for o in saved if o.kind == "save" and o.status == 200}
            ready = [{**item, "etag": etags[item["id"]]} for item in items if item["id"] in etags]
            database = asyncio.run(_database_cpu(settings.database_url))
            in_flight = size.processes * size.concurrency
            submitted, submit_span, load_cpu = investment_wrk.submit(
                replicas.servers, in_flight, ready
            )
            cpu_submitted = replicas.cpu_seconds()
            database_submitted = asyncio.run(_database_cpu(settings.database_url, database.pids))
    checked = asyncio.run(_check(settings.database_url, submitted))
    metrics = {
        **_rates("open", saved, save_span),
        **_rates("save", saved, save_span),
        **_rates("submit", submitted, submit_span),
        **checked,
    }
    metrics["submits_per_s"] = metrics.pop("submit_per_s")
    # The server's own CPU per operation: what the code costs, whatever else the host runs.
    metrics["server_cpu_ms_per_open_and_save"] = round(
        (cpu_saved - cpu_start) / max(len(items), 1) * 1000, 3
    )
    metrics["server_cpu_ms_per_submit"] = round(
        (cpu_submitted - cpu_saved) / max(len(submitted), 1) * 1000, 3
    )
    metrics["database_cpu_ms_per_submit"] = round(
        (database_submitted.seconds - database.seconds) / max(len(submitted), 1) * 1000, 3
    )
    # The load generator runs on the same two cores: what it takes is not the server's to use.
    metrics["load_cpu_ms_per_submit"] = round(load_cpu / max(len(submitted), 1) * 1000, 3)
    params = {
        "processes": size.processes,
        "concurrency_per_process": size.concurrency,
        "server_replicas": size.replicas,
        "database_pool_size_per_replica": size.pool_size,
    }
    return metrics, params


@dataclass(frozen=True, slots=True)
class Replicas:
    servers: tuple[Server, ...]

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(server.url for server in self.servers)

    def cpu_seconds(self) -> float:
        return sum(server.cpu_seconds() for server in self.servers)


@dataclass(frozen=True, slots=True)
class _DatabaseCpu:
    pids: tuple[int, ...]
    seconds: float


async def _database_cpu(database_url: str, pids: tuple[int, ...] = ()) -> _DatabaseCpu:
    """CPU seconds so far of the scratch database's backends (those given, or all open now):
    PostgreSQL shares the two cores with the server, so its cost per submit counts too."""
    pids = pids or await postgres_backend_pids(database_url)
    return _DatabaseCpu(pids, processes_cpu_seconds(pids))


def _saved(
    urls: tuple[str, ...], size: Size, items: list[dict[str, Any]]
) -> tuple[list[Outcome], float, float]:
    """Open and save every return: (outcomes, wall-clock span, CPU seconds of the load)."""
    slices = [items[index :: size.processes] for index in range(size.processes)]
    jobs = [Job(urls, size.concurrency, part) for part in slices]
    with ProcessPoolExecutor(size.processes) as pool:
        results = list(pool.map(run, jobs))
    outcomes = [outcome for result in results for outcome in result[0]]
    span = max(r[2] for r in results) - min(r[1] for r in results)
    return outcomes, span, sum(r[3] for r in results)


def _rates(kind: str, outcomes: list[Outcome], span: float) -> dict[str, float]:
    mine = [o for o in outcomes if o.kind == kind]
    ok = [o for o in mine if 200 <= o.status < 300]
    latencies = sorted(o.latency_ms for o in mine) or [0.0]
    return {
        f"{kind}_per_s": round(len(ok) / span, 1) if span > 0 else 0.0,
        f"{kind}_p50_ms": round(statistics.median(latencies), 2),
        f"{kind}_p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 2),
        f"{kind}_errors": len(mine) - len(ok),
    }


async def _check(database_url: str, outcomes: list[Outcome]) -> dict[str, float]:
    """Every acknowledged submission stored exactly once, with the receipt it was given, and
    audited exactly once (the audit row is written by the same statement as the change)."""
    acknowledged: dict[int, str] = {}
    mismatched_replays = 0
    for outcome in outcomes:
        if outcome.status != 201 or outcome.receipt is None:
            continue
        first = acknowledged.setdefault(outcome.return_id, outcome.receipt)
        mismatched_replays += first != outcome.receipt
    stored, audits = await _stored_submissions(database_url)
    lost = sum(1 for rid, receipt in acknowledged.items() if stored.get(rid, (None,))[0] != receipt)
    duplicates = mismatched_replays + sum(1 for _, count in stored.values() if count > 1)
    unaudited = sum(1 for rid in stored.keys() | audits.keys() if audits.get(rid) != 1)
    return {
        "acknowledged": len(acknowledged),
        "stored_submissions": len(stored),
        "lost_submissions": lost,
        "duplicate_submissions": duplicates,
        "submit_audit_mismatches": unaudited,
        "retries_replayed": sum(1 for o in outcomes if o.kind == "retry" and o.status == 201),
    }


async def _stored_submissions(
    database_url: str,
) -> tuple[dict[int, tuple[str, int]], dict[int, int]]:
    """(return id -> (receipt, submission count)), (return id -> its return.submit audit rows)."""
    audit = platform_tables.audit_event
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(
                    survey_return.c.id,
                    survey_return.c.receipt_number,
                    survey_return.c.submission_count,
                ).where(survey_return.c.survey_year == 2026, survey_return.c.submission_count > 0)
            )
            stored = {row.id: (row.receipt_number, row.submission_count) for row in rows}
            counted = await connection.execute(
                select(audit.c.record_id, func.count())
                .where(audit.c.action == "return.submit")
                .group_by(audit.c.record_id)
            )
            audits = {int(record_id): count for record_id, count in counted}
    finally:
        await engine.dispose()
    return stored, audits


def _print(metrics: dict[str, float]) -> None:
    rows = [
        (
            kind,
            metrics[f"{kind}_per_s" if kind != "submit" else "submits_per_s"],
            metrics[f"{kind}_p50_ms"],
            metrics[f"{kind}_p99_ms"],
            metrics[f"{kind}_errors"],
        )
        for kind in ("open", "save", "submit")
    ]
    print_table(("step", "per s", "p50 ms", "p99 ms", "errors"), rows)
    print_table(
        ("acknowledged", "stored", "lost", "duplicates", "audit mismatches", "retries replayed"),
        [
            (
                metrics["acknowledged"],
                metrics["stored_submissions"],
                metrics["lost_submissions"],
                metrics["duplicate_submissions"],
                metrics["submit_audit_mismatches"],
                metrics["retries_replayed"],
            )
        ],
    )
    print_table(
        ("CPU ms", "server", "database"),
        [
            ("per open + save", metrics["server_cpu_ms_per_open_and_save"], "-"),
            (
                "per submit",
                metrics["server_cpu_ms_per_submit"],
                metrics["database_cpu_ms_per_submit"],
            ),
        ],
    )
    print(f"load generator CPU per submit: {metrics['load_cpu_ms_per_submit']} ms (same cores)")
    goal = (
        metrics["submits_per_s"] >= GOAL_SUBMITS_PER_S and metrics["submit_p99_ms"] <= GOAL_P99_MS
    )
    print(
        f"goal >= {GOAL_SUBMITS_PER_S} submits/s with p99 <= {GOAL_P99_MS} ms: "
        f"{'met' if goal else 'NOT met'}"
    )
