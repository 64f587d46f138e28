"""Shared plumbing of the benchmarks: servers, the wrk load tool, scratch databases, results.

Every benchmark measures the same way: the app under test runs in its own uvicorn process (one
worker, uvloop + httptools, no access log), wrk loads it from another process with fixed
connections and duration after a warm-up, and the run ends in one JSON document
``{"metrics": {...}, "params": {...}, "machine": {...}}`` plus a table on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import importlib.metadata
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
SERVER_START_TIMEOUT_SECONDS = 30.0
PACKAGES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "pydantic",
    "sqlalchemy",
    "asyncpg",
    "redis",
    "orjson",
)
WRK_INSTALL_HINT = (
    "wrk (the HTTP load tool) is not installed. Install it with\n"
    "    apt-get update && apt-get install -y wrk     (Debian/Ubuntu)\n"
    "    brew install wrk                            (macOS)"
)

# Each request asks for a random id in 1..args[2] under the prefix args[1]; done() prints one
# JSON line the harness parses (wrk's own text output changes between versions).
WRK_SCRIPT = r"""
local prefix, count
function init(args)
  prefix = args[1]
  count = tonumber(args[2])
  math.randomseed(os.time())
end
function request()
  return wrk.format("GET", prefix .. math.random(count))
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "socket_errors": %d, "status_errors": %d,'
    .. ' "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True, slots=True)
class Load:
    """How hard and how long wrk pushes one route."""

    connections: int
    duration_seconds: float
    warmup_seconds: float
    threads: int = 1


@dataclass(frozen=True, slots=True)
class Route:
    """What wrk requests: ``GET <prefix><random id in 1..id_count>`` with these headers."""

    prefix: str
    id_count: int
    headers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    errors: int
    server_cpu_us_per_request: float  # the server process's CPU time: robust to a noisy host


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU time so far of the server process and of its worker processes
        (uvicorn ``--workers``), from Linux ``/proc``; NaN elsewhere."""
        if not Path(f"/proc/{self.pid}/stat").exists():
            return math.nan
        return sum(_cpu_seconds(pid) for pid in _process_tree(self.pid))

    def resident_bytes(self) -> float:
        """Resident memory (RSS) now of the server process and its workers; NaN off Linux."""
        if not Path(f"/proc/{self.pid}/stat").exists():
            return math.nan
        return sum(_resident_bytes(pid) for pid in _process_tree(self.pid))


def _resident_bytes(pid: int) -> float:
    fields = _stat_fields(pid)
    return int(fields[21]) * os.sysconf("SC_PAGE_SIZE") if fields is not None else 0.0


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (None once the pid is gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def _cpu_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        fields = _stat_fields(int(entry.name)) if entry.name.isdigit() else None
        if fields is not None:
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree.extend(frontier)
    return tree


def argument_parser(name: str, description: str) -> argparse.ArgumentParser:
    """The options every benchmark shares: ``--quick`` and ``--out``."""
    parser = argparse.ArgumentParser(prog=f"bench/{name}.py", description=description)
    parser.add_argument("--quick", action="store_true", help="smaller run, under 60 s")
    parser.add_argument(
        "--out", type=Path, default=RESULTS_DIR / f"{name}.json", help="where to write JSON"
    )
    return parser


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(WRK_INSTALL_HINT)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def uvicorn_server(
    factory: str,
    *,
    env: Mapping[str, str],
    ready_path: str,
    workers: int = 1,
    start_timeout: float = SERVER_START_TIMEOUT_SECONDS,
) -> Iterator[Server]:
    """Serve ``module:factory`` in a child uvicorn process until the block ends."""
    with uvicorn_servers(
        {factory: factory},
        env=env,
        ready_path=ready_path,
        workers=workers,
        start_timeout=start_timeout,
    ) as servers:
        yield servers[factory]


@contextmanager
def uvicorn_servers(
    factories: Mapping[str, str],
    *,
    env: Mapping[str, str],
    ready_path: str,
    workers: int = 1,
    start_timeout: float = SERVER_START_TIMEOUT_SECONDS,
) -> Iterator[dict[str, Server]]:
    """Serve each ``{name: "module:factory"}`` in its own uvicorn process, all started at once;
    with ``workers`` > 1 each is a uvicorn master with that many worker processes.
    ``start_timeout`` bounds each one's start-up (an app may read data before it serves)."""
    with tempfile.TemporaryDirectory() as logs:
        children = {
            name: _spawn(factory, env, Path(logs) / f"{index}.log", workers)
            for index, (name, factory) in enumerate(factories.items())
        }
        try:
            for process, port, log in children.values():
                _wait_until_ready(process, port, ready_path, log, start_timeout)
            if workers > 1:
                # The first worker up answers; connections opened before the others are up
                # would all stay with it. The workers are up once their start-up CPU settles.
                for process, _, _ in children.values():
                    _wait_until_idle(process.pid)
            yield {
                name: Server(f"http://127.0.0.1:{port}", process.pid)
                for name, (process, port, _) in children.items()
            }
        finally:
            _stop([process for process, _, _ in children.values()])


def _spawn(
    factory: str, env: Mapping[str, str], log: Path, workers: int
) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", factory, "--app-dir", str(REPO_ROOT)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop"]
    command += ["--http", "httptools", "--no-access-log", "--log-level", "warning"]
    if workers > 1:
        command += ["--workers", str(workers)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT
        )
    return process, port, log


def _wait_until_ready(
    process: subprocess.Popen[bytes], port: int, path: str, log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text(errors='replace')}")
        if _answers(port, path):
            return
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} not ready after {timeout:.0f} s")


def _wait_until_idle(pid: int, *, interval: float = 0.5, busy_share: float = 0.1) -> None:
    """Until ``pid`` and its workers use under ``busy_share`` of a core over ``interval``."""
    server = Server("", pid)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    before = server.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(interval)
        now = server.cpu_seconds()
        if now - before < interval * busy_share:
            return
        before = now
    raise RuntimeError(f"server {pid} still busy starting after {SERVER_START_TIMEOUT_SECONDS} s")


def _answers(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status < 500
    except OSError:
        return False
    finally:
        connection.close()


def _stop(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGINT to all first (uvicorn shuts down gracefully), then wait; kill stragglers."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGINT)
    for process in running:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def warm_up(server: Server, load: Load, route: Route) -> None:
    if load.warmup_seconds > 0:
        _wrk(server, load, route, load.warmup_seconds)


def measure(server: Server, load: Load, route: Route) -> LoadResult:
    """One measurement: fixed connections for ``load.duration_seconds``."""
    cpu_before = server.cpu_seconds()
    raw = _wrk(server, load, route, load.duration_seconds)
    cpu = server.cpu_seconds() - cpu_before
    return LoadResult(
        requests_per_second=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        requests=raw["requests"],
        errors=raw["socket_errors"] + raw["status_errors"],
        server_cpu_us_per_request=cpu / max(raw["requests"], 1) * 1e6,
    )


def _wrk(server: Server, load: Load, route: Route, seconds: float) -> dict[str, int]:
    wrk = require_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        duration = f"{max(1, round(seconds))}s"
        command = [wrk, "-t", str(load.threads), "-c", str(load.connections), "-d", duration]
        command += ["--timeout", "5s", "-s", script.name]
        for header in route.headers:
            command += ["-H", header]
        command += [server.url, "--", route.prefix, str(route.id_count)]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return _parse_wrk(output)


def _parse_wrk(output: str) -> dict[str, int]:
    line = next((x for x in output.splitlines() if x.startswith("WRK_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result line:\n{output}")
    result: dict[str, int] = json.loads(line.removeprefix("WRK_RESULT "))
    return result


@contextmanager
def scratch_database(server_url: str, *, prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database on ``server_url`` (any database name), dropped on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield _with_database(server_url, name)
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(server_url: str, statement: str) -> None:
    connection = await asyncpg.connect(plain_postgres_url(server_url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _with_database(server_url: str, name: str) -> str:
    base, _, _ = plain_postgres_url(server_url).rpartition("/")
    return f"{base}/{name}"


async def postgres_backend_pids(database_url: str) -> tuple[int, ...]:
    """The PostgreSQL backends now open on ``database_url``'s database (the servers' pools,
    opened by a warm-up): PostgreSQL shares the cores with the server, so its CPU counts too."""
    connection = await asyncpg.connect(plain_postgres_url(database_url))
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await connection.close()
    return tuple(row["pid"] for row in rows)


def processes_cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds so far of these processes and their children."""
    return sum(Server("", pid).cpu_seconds() for pid in pids)


def plain_postgres_url(url: str) -> str:
    """``postgresql://...`` as asyncpg wants it (drops a SQLAlchemy ``+driver`` suffix)."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+')[0]}{sep}{rest}"


def sqlalchemy_url(url: str) -> str:
    return "postgresql+asyncpg://" + plain_postgres_url(url).partition("://")[2]


def machine_info(**extra: Any) -> dict[str, Any]:
    """What a reader needs to compare two result files: hardware, OS, versions."""
    return {
        "hostname": platform.node(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "packages": {name: _version(name) for name in PACKAGES},
        "wrk": _wrk_version(),
        **extra,
    }


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        return None
    first = meminfo.read_text().splitlines()[0]  # MemTotal: N kB
    return round(int(first.split()[1]) / 1024 / 1024, 1)


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _wrk_version() -> str | None:
    path = shutil.which("wrk")
    if path is None:
        return None
    completed = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    return (completed.stdout or completed.stderr).splitlines()[0].strip()


def write_results(
    path: Path,
    *,
    metrics: Mapping[str, float],
    params: Mapping[str, Any],
    machine: Mapping[str, Any],
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"metrics": dict(metrics), "params": dict(params), "machine": dict(machine)}
    path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(h) for h in headers], *[[_cell(value) for value in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print(
            "  ".join(
                cell.rjust(width) if i else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
        if index == 0:
            print("  ".join("-" * width for width in widths))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)
