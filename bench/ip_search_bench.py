"""Runner of ``bench/ip_search.py``: builds a synthetic register, serves it, loads it.

1. A scratch database is migrated and filled with synthetic marks (1,000,000; ``--quick``
   50,000) plus the labelled relevance marks, through the real importer (rows computed in a
   process pool, written by ``import_batches``: staging + upsert + COPY), then VACUUM ANALYZE.
2. The ip_search app and a raw-asyncpg PK-select yardstick are served by uvicorn; wrk drives 16
   connections over query lists drawn from the register. Similar and exact run cold: tens of
   thousands of distinct queries asked in order, each once (the warm-up asks others), so none
   is answered from the Redis cache, and ``*_repeated_requests`` says if a run ran out of
   queries. Prefix queries repeat by nature and are asked at random; the ``hot`` list is 100
   similar queries, all cached before the run.
   The yardstick and the cold similar search run in ``PAIRED_ROUNDS`` pairs, one right after
   the other, each similar run on its own share of the queries: a shared host's speed can
   change within a minute (the same yardstick served 2,305 and 4,491 req/s in two runs of one
   hour), so ``similar_ratio`` is the median of the pairs' ratios, not a ratio of two runs
   taken a minute apart. The other metrics of both routes are the medians over the rounds.
3. An open-loop generator sends 35 mixed searches/s for a fixed time, starting with an empty
   search cache; latency is measured from each request's scheduled start (no coordinated
   omission).
4. Every search statement shape is EXPLAINed on the register; Seq Scan nodes are counted.
5. recall@10 of the labelled relevance cases through the served API.
6. Bulk download MB/s of a published dataset file from the app vs nginx (ip_search_downloads).

``--keep-database NAME`` builds the register into database NAME once and keeps it: later runs
with the same NAME (and mark count) reuse it, skipping step 1, so a change to the search code
is measured in a minute. A reused run drops the benchmark's dataset (published again) and the
cached search results in ``--redis-url`` (they were computed by the code of an earlier run).
Drop the database by hand when done.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from redis import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.harness import (
    Load,
    Server,
    argument_parser,
    machine_info,
    plain_postgres_url,
    postgres_backend_pids,
    print_table,
    processes_cpu_seconds,
    require_wrk,
    scratch_database,
    sqlalchemy_url,
    uvicorn_server,
    write_results,
)
from bench.ip_search_apps import CONFIG_VARIABLE
from bench.ip_search_downloads import (
    DATASET,
    measure_downloads,
    open_data_dir,
    prepare_downloads,
)
from common.migrations import upgrade
from ip_search.app import MANIFEST
from ip_search.importing.maintenance import refresh_search_tables
from ip_search.importing.planted import planted_number, planted_records
from ip_search.importing.rows import MarkRows, record_rows
from ip_search.importing.runner import Batch, import_batches
from ip_search.search import sql
from ip_search.search.backend import Filters, SearchMode
from ip_search.search.postgres import listing_for, similar_sources, trigram_source
from ip_search.synthetic import generate
from ip_search.text import query_keys
from ip_search.text.relevance import RELEVANCE_CASES

NAME = "ip_search"
DESCRIPTION = (
    "Trademark search on a synthetic register: req/s and p99 of similar, exact and prefix search "
    "vs a raw asyncpg PK select; fixed-rate p99; Seq Scans in plans; recall@10."
)
FULL_MARKS = 1_000_000
QUICK_MARKS = 50_000
CHUNK = 5_000
SEED = 4242
POOL_SIZE = 10
FULL = Load(connections=16, duration_seconds=10, warmup_seconds=3)
QUICK = Load(connections=16, duration_seconds=3, warmup_seconds=1)
FIXED_RATE = 35.0
FIXED_SECONDS_FULL = 20.0
FIXED_SECONDS_QUICK = 5.0
GOAL_RATIO = 0.25
PAIRED_ROUNDS = 3
GOAL_P99_MS = 50.0
# Enough marks that no cold query repeats within a run: some 85,000 similar queries (about 1.4
# a mark), a third for each paired round, of which a round measures four fifths: enough for
# 2,000 searches a second for 10 s. A run that asks more (``measure`` counts any repeat) is
# refused.
SAMPLED_MARKS = 60_000
COLD_WARMUP_SHARE = 0.2
HOT_QUERIES = 100

# args[2] "random": each request a random path of the list (a hot list, every query cached);
# "sequential": the list in order, each query once until the list runs out (a cold list).
WRK_SCRIPT = r"""
local paths = {}
local sequential = false
local next_path = 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  sequential = args[2] == "sequential"
  math.randomseed(os.time())
end
function request()
  if sequential then
    next_path = next_path % #paths + 1
    return wrk.format("GET", paths[next_path])
  end
  return wrk.format("GET", paths[math.random(#paths)])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "socket_errors": %d, "status_errors": %d,'
    .. ' "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


# 1. the register -------------------------------------------------------------------------------


def _chunk(index: int) -> Batch:
    """Marks of chunk ``index`` as rows (in a worker process); numbers unique across chunks."""
    records = [
        replace(record, application_no=f"{100 + index:03d}{serial:06d}")
        for serial, record in enumerate(generate(CHUNK, seed=SEED + index), 1)
    ]
    rows = MarkRows()
    for record in records:
        rows.extend(record_rows(record))
    return Batch(rows, len(records), [])


def _planted() -> Batch:
    rows = MarkRows()
    records = planted_records()
    for record in records:
        rows.extend(record_rows(record))
    return Batch(rows, len(records), [])


class _Feeder:
    """Hands the importer the pool's chunks, then the planted marks; prints progress."""

    def __init__(self, chunks: Iterator[Batch]) -> None:
        self.chunks = chunks
        self.tail = iter([_planted()])
        self.count = 0

    def __call__(self, _run_id: int | None) -> Batch | None:
        batch = next(self.chunks, None) or next(self.tail, None)
        if batch is not None:
            self.count += batch.accepted
            print(f"\r  {self.count:,} marks", end="", flush=True)
        return batch


async def build_register(dsn: str, marks: int) -> float:
    """Fill the register; return the seconds it took."""
    started = time.perf_counter()
    engine = create_async_engine(sqlalchemy_url(dsn))
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        feeder = _Feeder(pool.map(_chunk, range(marks // CHUNK)))
        try:
            await import_batches(engine, feeder, source="bench", feed="synthetic")
        finally:
            await engine.dispose()
    print()
    connection = await asyncpg.connect(plain_postgres_url(dsn))
    try:
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()
    return time.perf_counter() - started


# 2. query sets ---------------------------------------------------------------------------------


async def sample_marks(dsn: str) -> list[tuple[str, list[int]]]:
    connection = await asyncpg.connect(plain_postgres_url(dsn))
    try:
        marks = await connection.fetchval("SELECT count(*) FROM ip_search.trademark")
        share = min(100.0, 100.0 * 2 * SAMPLED_MARKS / max(1, marks))
        rows = await connection.fetch(
            "SELECT name, nice_classes FROM ip_search.trademark "
            # Ordered: a parallel scan returns the same sample in any order, and the LIMIT
            # would keep other marks (other queries) from one run to the next.
            "TABLESAMPLE BERNOULLI ($1) REPEATABLE (7) ORDER BY application_no LIMIT $2",
            share,
            SAMPLED_MARKS,
        )
    finally:
        await connection.close()
    return [(row["name"], list(row["nice_classes"])) for row in rows]


def _path(q: str, mode: str, nice_class: int | None = None) -> str:
    params: list[tuple[str, Any]] = [("q", q), ("mode", mode)]
    if nice_class is not None:
        params.append(("nice_class", nice_class))
    return "/trademarks/search?" + urllib.parse.urlencode(params)


def _variants(name: str, rng: random.Random) -> list[str]:
    """What people type: the name, a piece of it, its Latin words."""
    keys = query_keys(name)
    compact = keys.compacts[0]
    found = [name]
    if len(compact) >= 3:
        start = rng.randrange(len(compact) - 1)
        found.append(compact[start : start + 2])
    found += [w for w in keys.words if w.isascii() and len(w) >= 3][:1]
    return [v for v in found if query_keys(v).compacts[0]]


def query_sets(marks: list[tuple[str, list[int]]]) -> dict[str, list[str]]:
    rng = random.Random(SEED)
    similar: list[str] = []
    exact: list[str] = []
    prefix: list[str] = []
    for name, classes in marks:
        for variant in _variants(name, rng):
            nice = rng.choice(classes) if classes and rng.random() < 0.5 else None
            similar.append(_path(variant, "similar", nice))
        exact.append(_path(name, "exact"))
        compact = query_keys(name).compacts[0]
        width = 3 if compact.isascii() else 2
        if len(compact) >= width:
            prefix.append(_path(compact[:width], "prefix"))
    similar += [_path(c.query, "similar", (c.classes or (None,))[0]) for c in RELEVANCE_CASES]
    # Each query once (a cold list must not repeat one), in a shuffled order.
    similar = list(dict.fromkeys(similar))
    rng.shuffle(similar)
    return {
        "similar": similar,
        "exact": list(dict.fromkeys(exact)),
        "prefix": prefix,
        "similar_hot": similar[:HOT_QUERIES],
        "yardstick": [f"/marks/{n}" for n in range(1, 10_001)],
    }


# 3. load ---------------------------------------------------------------------------------------


def run_wrk(
    server: Server, paths: list[str], load: Load, seconds: float, *, sequential: bool
) -> dict[str, float]:
    """wrk over ``paths``: in order, each once until they run out (``sequential``, one wrk
    thread, so one counter), or at random."""
    wrk = require_wrk()
    with (
        tempfile.NamedTemporaryFile("w", suffix=".lua") as script,
        tempfile.NamedTemporaryFile("w", suffix=".txt") as listing,
    ):
        script.write(WRK_SCRIPT)
        script.flush()
        listing.write("\n".join(paths) + "\n")
        listing.flush()
        command = [wrk, "-t", str(load.threads), "-c", str(load.connections)]
        command += ["-d", f"{max(1, round(seconds))}s", "--timeout", "5s", "-s", script.name]
        order = "sequential" if sequential else "random"
        command += [server.url, "--", listing.name, order]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((x for x in output.splitlines() if x.startswith("WRK_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result line:\n{output}")
    raw = json.loads(line.removeprefix("WRK_RESULT "))
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["socket_errors"] + raw["status_errors"],
    }


RESIDENT_LOAD_SECONDS = 600.0
"""How long the app may take to read its resident index (20-45 s at 1M marks, by machine)."""


def wait_for_resident_index(server: Server, timeout: float = RESIDENT_LOAD_SECONDS) -> None:
    """Until ``/readyz`` reports the resident index loaded: the app reads it before it serves,
    and after a failed load tries again while its similar searches read PostgreSQL."""
    started = time.monotonic()
    with httpx.Client(base_url=server.url, timeout=30.0) as client:
        while time.monotonic() - started < timeout:
            checks = client.get("/readyz").json()["checks"]
            if "resident_index" not in checks or checks["resident_index"]["status"] == "ok":
                return
            time.sleep(0.5)
    raise RuntimeError(f"the resident index was not loaded after {timeout:.0f} s")


def prewarm(server: Server, paths: list[str]) -> None:
    """Ask every query twice (a search is stored from its second ask), so the hot run measures
    cache hits only."""
    with httpx.Client(base_url=server.url, timeout=30.0) as client:
        for path in paths * 2:
            client.get(path)


def measure(
    server: Server, paths: list[str], load: Load, dsn: str, *, cold: bool = False
) -> dict[str, float]:
    """req/s and latency, and CPU µs per request of the server and of PostgreSQL (robust to a
    shared host: the other server's idle backends add nothing).

    A ``cold`` list is asked in order, each query once: the warm-up takes its last
    ``COLD_WARMUP_SHARE``, the measured run the rest, so no measured query is answered from the
    cache by an earlier ask. ``repeated`` counts the measured requests beyond the list's
    length (each of those a query asked before): it must be 0 for the run to be cold.
    """
    measured, warmup = paths, paths
    if cold:
        split = len(paths) - int(len(paths) * COLD_WARMUP_SHARE)
        measured, warmup = paths[:split], paths[split:]
    if load.warmup_seconds:
        run_wrk(server, warmup, load, load.warmup_seconds, sequential=cold)
    backends = asyncio.run(postgres_backend_pids(dsn))
    app_before = processes_cpu_seconds([server.pid])
    db_before = processes_cpu_seconds(backends)
    result = run_wrk(server, measured, load, load.duration_seconds, sequential=cold)
    result["repeated"] = max(0.0, result["requests"] - len(measured)) if cold else 0.0
    requests = max(1.0, result["requests"])
    result["app_cpu_us"] = (processes_cpu_seconds([server.pid]) - app_before) / requests * 1e6
    result["db_cpu_us"] = (processes_cpu_seconds(backends) - db_before) / requests * 1e6
    print(f"  {len(paths):,} paths: {result}", flush=True)
    return result


def paired_rounds(
    yard: Server, app: Server, sets: dict[str, list[str]], load: Load, dsn: str
) -> list[tuple[dict[str, float], dict[str, float]]]:
    """``PAIRED_ROUNDS`` times the yardstick, then the cold similar search on the next share
    of the similar queries (no round asks another's)."""
    similar = sets["similar"]
    share = len(similar) // PAIRED_ROUNDS
    rounds: list[tuple[dict[str, float], dict[str, float]]] = []
    for index in range(PAIRED_ROUNDS):
        yardstick = measure(yard, sets["yardstick"], load, dsn)
        cold = similar[index * share : (index + 1) * share]
        rounds.append((yardstick, measure(app, cold, load, dsn, cold=True)))
        print(f"  round {index + 1}: ratio {rounds[-1][1]['rps'] / yardstick['rps']:.3f}")
    return rounds


def median_result(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the runs (``repeated`` and ``errors``: their sums)."""
    summed = ("repeated", "errors", "requests")
    return {
        key: sum(run[key] for run in runs)
        if key in summed
        else statistics.median(run[key] for run in runs)
        for key in runs[0]
    }


async def fixed_rate(url: str, paths: list[str], rate: float, seconds: float) -> dict[str, float]:
    """Open loop: request i starts at i / rate seconds, whatever earlier ones are doing."""
    latencies: list[float] = []
    errors = 0
    rng = random.Random(SEED)
    # Idle connections expire before uvicorn's 5 s keep-alive timeout closes them under us.
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=1.0)
    async with httpx.AsyncClient(base_url=url, timeout=10.0, limits=limits) as client:
        start = time.perf_counter()

        async def one(index: int, path: str) -> None:
            nonlocal errors
            scheduled = start + index / rate
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            try:
                response = await client.get(path)
            except httpx.HTTPError:
                errors += 1
                return
            latencies.append((time.perf_counter() - scheduled) * 1000)
            errors += response.status_code != 200

        count = int(rate * seconds)
        await asyncio.gather(*(one(i, rng.choice(paths)) for i in range(count)))
    latencies.sort()
    return {
        "p50_ms": latencies[len(latencies) // 2],
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "requests": float(len(latencies)),
        "errors": float(errors),
    }


async def recall_at_10(url: str) -> float:
    found = 0
    async with httpx.AsyncClient(base_url=url, timeout=30.0) as client:
        for case in RELEVANCE_CASES:
            params: dict[str, Any] = {"q": case.query, "limit": 10}
            if case.classes:
                params["nice_class"] = list(case.classes)
            body = (await client.get("/trademarks/search", params=params)).json()
            numbers = {item["application_no"] for item in body["items"]}
            found += planted_number(case.expected) in numbers
    return found / len(RELEVANCE_CASES)


# 4. plans --------------------------------------------------------------------------------------


def _statements(q: str, nice_class: int | None) -> list[tuple[str, dict[str, Any]]]:
    wanted = Filters(nice_classes=(nice_class,) if nice_class else ())
    filters = sql.filter_statement(wanted)
    keys = query_keys(q)
    sources, params = similar_sources(keys, wanted)
    found = [(sql.candidates_statement(sources), params)]
    trigram = trigram_source(keys, wanted)
    if trigram is not None:
        found.append((sql.candidates_statement(trigram[0]), trigram[1]))
    for mode in (SearchMode.EXACT, SearchMode.PREFIX, SearchMode.CONTAINS):
        try:
            listing, listing_params = listing_for(mode, keys, filters)
        except ValueError:
            continue
        merged = {**listing_params, **filters.params, "page_size": 21, "sample_size": 1001}
        found += [(listing.page(False), merged), (listing.sample(), merged)]
        found.append((listing.first_page(), merged))
    return found


def _seq_scans(plan: dict[str, Any]) -> int:
    own = 1 if "Seq Scan" in plan.get("Node Type", "") else 0
    return own + sum(_seq_scans(child) for child in plan.get("Plans", ()))


async def seq_scans_in_plans(dsn: str, queries: list[str]) -> tuple[int, int]:
    """(Seq Scan nodes, statements explained) over every statement shape of these queries."""
    engine = create_async_engine(sqlalchemy_url(dsn))
    scans = explained = 0
    try:
        async with engine.connect() as connection:
            for q in queries:
                for nice_class in (None, 5):
                    for statement, params in _statements(q, nice_class):
                        plan = await connection.scalar(
                            text(f"EXPLAIN (FORMAT JSON) {statement}"), params
                        )
                        document = json.loads(plan) if isinstance(plan, str) else plan
                        scans += _seq_scans(document[0]["Plan"])
                        explained += 1
    finally:
        await engine.dispose()
    return scans, explained


# 0. the database ---------------------------------------------------------------------------------

SEARCH_CACHE_PATTERN = "cache:ip_search:tm-search:*"


@contextmanager
def _database(server_url: str, keep: str | None) -> Iterator[tuple[str, bool]]:
    """(dsn, whether it already holds a register): a scratch database dropped after the run,
    or the kept database ``keep``, created if absent and never dropped."""
    if keep is None:
        with scratch_database(server_url, prefix="moea_bench_ip_search") as dsn:
            yield dsn, False
        return
    base, _, _ = plain_postgres_url(server_url).rpartition("/")
    exists = asyncio.run(_database_exists(server_url, keep))
    if not exists:
        asyncio.run(_admin(server_url, f'CREATE DATABASE "{keep}"'))
    dsn = f"{base}/{keep}"
    yield dsn, exists and asyncio.run(_register_size(dsn)) > 0


async def _admin(server_url: str, statement: str, *args: object) -> Any:
    connection = await asyncpg.connect(plain_postgres_url(server_url))
    try:
        return await connection.fetchval(statement, *args)
    finally:
        await connection.close()


async def _database_exists(server_url: str, name: str) -> bool:
    found = await _admin(server_url, "SELECT 1 FROM pg_database WHERE datname = $1", name)
    return found is not None


async def _register_size(dsn: str) -> int:
    if await _admin(dsn, "SELECT to_regclass('ip_search.trademark')") is None:
        return 0
    return int(await _admin(dsn, "SELECT count(*) FROM ip_search.trademark"))


def forget_earlier_run(dsn: str, redis_url: str) -> None:
    """A reused register: drop the dataset the download step publishes again, and the search
    results an earlier run cached (computed by the code as it was then)."""

    async def drop_dataset() -> None:
        connection = await asyncpg.connect(plain_postgres_url(dsn))
        try:
            async with connection.transaction():
                for table, column in (("dataset_version", "dataset_id"), ("dataset", "id")):
                    await connection.execute(
                        f"DELETE FROM ip_search.{table} WHERE {column} = $1", DATASET
                    )
        finally:
            await connection.close()

    asyncio.run(drop_dataset())
    forget_cached_searches(redis_url)


def forget_cached_searches(redis_url: str) -> None:
    with Redis.from_url(redis_url) as redis:
        stale = list(redis.scan_iter(match=SEARCH_CACHE_PATTERN, count=1000))
        if stale:
            redis.delete(*stale)


async def _refresh(dsn: str) -> None:
    engine = create_async_engine(sqlalchemy_url(dsn))
    try:
        await refresh_search_tables(engine)
    finally:
        await engine.dispose()


# 5. the run ------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argument_parser(NAME, DESCRIPTION)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server (a scratch database is created on it and dropped after)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--marks", type=int, help="register size (default 1,000,000; quick 50,000)")
    parser.add_argument(
        "--keep-database",
        metavar="NAME",
        help="build the register into database NAME once, keep it, and reuse it on later runs",
    )
    return parser


def _app_env(dsn: str, redis_url: str, scratch: str) -> dict[str, str]:
    return {
        "IP_SEARCH_DATABASE_URL": sqlalchemy_url(dsn),
        "IP_SEARCH_REDIS_URL": redis_url,
        "IP_SEARCH_DATABASE_POOL_SIZE": str(POOL_SIZE),
        "IP_SEARCH_DATABASE_MAX_OVERFLOW": "0",
        "IP_SEARCH_DATABASE_READ_POOL_SIZE": str(POOL_SIZE),  # searches run on the read pool
        "IP_SEARCH_RATE_LIMIT_ANONYMOUS": "100000000/minute",
        "IP_SEARCH_LOG_LEVEL": "WARNING",
        "IP_SEARCH_DEV_ISSUER_KEY_PATH": str(Path(scratch) / "issuer.pem"),
        "IP_SEARCH_OPEN_DATA_DIR": str(open_data_dir(Path(scratch))),
    }


def main() -> None:
    arguments = _parser().parse_args()
    require_wrk()
    quick = arguments.quick
    load = QUICK if quick else FULL
    marks = arguments.marks or (QUICK_MARKS if quick else FULL_MARKS)
    fixed_seconds = FIXED_SECONDS_QUICK if quick else FIXED_SECONDS_FULL
    load_before = os.getloadavg()  # other work on a shared host slows every route
    metrics: dict[str, float] = {}
    with (
        tempfile.TemporaryDirectory() as scratch,
        _database(arguments.database_url, arguments.keep_database) as (dsn, reused),
    ):
        upgrade(MANIFEST.migrations, sqlalchemy_url(dsn))
        if reused:
            print(f"reusing the register in {arguments.keep_database}")
            forget_earlier_run(dsn, arguments.redis_url)
            # A migration since the build may have rewritten rows: plans and index-only scans
            # need fresh statistics and visibility maps, as after an import.
            asyncio.run(_refresh(dsn))
            build_seconds = 0.0
        else:
            print(f"building {marks:,} synthetic marks ...")
            build_seconds = asyncio.run(build_register(dsn, marks))
        download_root = prepare_downloads(dsn, Path(scratch), quick=quick)
        sets = query_sets(asyncio.run(sample_marks(dsn)))
        yard_config = {"dsn": plain_postgres_url(dsn), "pool_size": POOL_SIZE, "id_count": 10_000}
        env = {CONFIG_VARIABLE: json.dumps(yard_config)}
        with (
            uvicorn_server(
                "bench.ip_search_apps:yardstick_app", env=env, ready_path="/healthz"
            ) as yard,
            uvicorn_server(
                "ip_search.app:create_app",
                env=_app_env(dsn, arguments.redis_url, scratch),
                ready_path="/healthz",
                # It serves once its resident index is in (a failed load: at once).
                start_timeout=RESIDENT_LOAD_SECONDS,
            ) as app,
        ):
            wait_for_resident_index(app)
            paired = paired_rounds(yard, app, sets, load, dsn)
            results = {
                "yardstick": median_result([y for y, _ in paired]),
                "similar": median_result([s for _, s in paired]),
                "exact": measure(app, sets["exact"], load, dsn, cold=True),
                "prefix": measure(app, sets["prefix"], load, dsn),
            }
            prewarm(app, sets["similar_hot"])
            results["similar_hot"] = measure(app, sets["similar_hot"], load, dsn)
            mixed = sets["similar"][:1500] + sets["exact"][:250] + sets["prefix"][:250]
            # The runs above cached these queries' results: the fixed rate starts cold again.
            forget_cached_searches(arguments.redis_url)
            fixed = asyncio.run(fixed_rate(app.url, mixed, FIXED_RATE, fixed_seconds))
            recall = asyncio.run(recall_at_10(app.url))
            downloads = measure_downloads(app, download_root, quick=quick)
            app_rss_mb = app.resident_bytes() / 2**20
        plan_queries = [
            urllib.parse.parse_qs(p.split("?", 1)[1])["q"][0] for p in sets["similar"][:40]
        ]
        plan_queries += [c.query for c in RELEVANCE_CASES]
        scans, explained = asyncio.run(seq_scans_in_plans(dsn, plan_queries))
    yard_rps = results["yardstick"]["rps"]
    metrics = {
        "similar_rps": results["similar"]["rps"],
        "similar_p99_ms": results["similar"]["p99_ms"],
        "exact_rps": results["exact"]["rps"],
        "prefix_rps": results["prefix"]["rps"],
        "yardstick_pk_rps": yard_rps,
        "similar_ratio": statistics.median(s["rps"] / y["rps"] for y, s in paired),
        "fixed_rate_p99_ms": fixed["p99_ms"],
        "seq_scans_in_plans": float(scans),
        "recall_at_10": recall,
        "marks": float(marks + len(planted_records())),
        "similar_p50_ms": results["similar"]["p50_ms"],
        "similar_repeated_requests": results["similar"]["repeated"],
        "exact_repeated_requests": results["exact"]["repeated"],
        "exact_p99_ms": results["exact"]["p99_ms"],
        "prefix_p99_ms": results["prefix"]["p99_ms"],
        "yardstick_pk_p99_ms": results["yardstick"]["p99_ms"],
        "similar_hot_rps": results["similar_hot"]["rps"],
        "similar_hot_p99_ms": results["similar_hot"]["p99_ms"],
        "similar_hot_ratio": results["similar_hot"]["rps"] / yard_rps,
        "fixed_rate_p50_ms": fixed["p50_ms"],
        **{f"{name}_app_cpu_us": r["app_cpu_us"] for name, r in results.items()},
        **{f"{name}_db_cpu_us": r["db_cpu_us"] for name, r in results.items()},
        "build_seconds": build_seconds,
        "app_rss_mb": app_rss_mb,
        **downloads,
    }
    _report(results, fixed, metrics, explained)
    params = {
        "quick": quick,
        "marks": marks,
        "connections": load.connections,
        "duration_seconds": load.duration_seconds,
        "warmup_seconds": load.warmup_seconds,
        "fixed_rate_per_second": FIXED_RATE,
        "fixed_rate_seconds": fixed_seconds,
        "query_counts": {name: len(paths) for name, paths in sets.items()},
        "paired_rounds": [
            {"yardstick_rps": y["rps"], "similar_rps": s["rps"], "ratio": s["rps"] / y["rps"]}
            for y, s in paired
        ],
        "statements_explained": explained,
        "goal": f"similar_ratio >= {GOAL_RATIO} and similar_p99_ms <= {GOAL_P99_MS}",
    }
    machine = machine_info(load_average_before=load_before, load_average_after=os.getloadavg())
    print(f"\nload average (1/5/15 min): before {load_before}, after {os.getloadavg()}")
    write_results(arguments.out, metrics=metrics, params=params, machine=machine)
    print(f"\nwrote {arguments.out}")
    errors = sum(r["errors"] for r in results.values()) + fixed["errors"]
    errors += downloads["download_errors"]
    if errors:
        raise SystemExit(f"{errors:.0f} requests failed: the numbers above are not valid")
    repeated = results["similar"]["repeated"] + results["exact"]["repeated"]
    if repeated:
        raise SystemExit(
            f"{repeated:.0f} cold requests asked a query again (answered from the cache): "
            "the cold figures above are not valid; raise SAMPLED_MARKS"
        )


def _report(
    results: dict[str, dict[str, float]],
    fixed: dict[str, float],
    metrics: dict[str, float],
    explained: int,
) -> None:
    rows: list[tuple[object, ...]] = [
        (name, r["rps"], r["p50_ms"], r["p99_ms"], r["errors"], r["app_cpu_us"], r["db_cpu_us"])
        for name, r in results.items()
    ]
    fixed_row = ("-", fixed["p50_ms"], fixed["p99_ms"], fixed["errors"], "-", "-")
    rows.append((f"fixed {FIXED_RATE:.0f}/s mixed", *fixed_row))
    print()
    print_table(
        ["route", "req/s", "p50 ms", "p99 ms", "errors", "app CPU µs/req", "PG CPU µs/req"], rows
    )
    print()
    print_table(
        ["metric", "value"],
        [
            ("marks", f"{metrics['marks']:,.0f}"),
            ("similar_ratio (cold)", f"{metrics['similar_ratio']:.3f}  (goal >= {GOAL_RATIO})"),
            ("similar_hot_ratio", f"{metrics['similar_hot_ratio']:.3f}"),
            (
                "seq_scans_in_plans",
                f"{metrics['seq_scans_in_plans']:.0f} of {explained} statements",
            ),
            ("recall_at_10", f"{metrics['recall_at_10']:.3f}"),
            ("download_mb_s", f"{metrics['download_mb_s']:,.0f}"),
            ("nginx_mb_s", f"{metrics['nginx_mb_s']:,.0f}"),
            ("download_ratio", f"{metrics['download_ratio']:.2f}  (goal >= 0.5)"),
            ("build_seconds", f"{metrics['build_seconds']:.0f}"),
            ("app_rss_mb", f"{metrics['app_rss_mb']:,.0f}"),
        ],
    )
