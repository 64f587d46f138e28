"""The submit phase of ``bench/investment.py`` on wrk: the load costs the shared cores little.

The load shares the two cores with the server and PostgreSQL, so whatever it spends the server
cannot use. aiohttp spent about 0.27 ms of CPU per submit, an eighth of the whole budget; wrk
(C, a little LuaJIT per request) spends a fraction of that. One wrk process per replica, each
thread one keep-alive connection (``investment_submit.lua`` says why); every request's status,
wall-clock start, latency and receipt come back, so the parent checks and measures exactly what
it did with aiohttp.
"""

from __future__ import annotations

import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.harness import Server, processes_cpu_seconds, require_wrk
from bench.investment_load import Outcome

SCRIPT = Path(__file__).with_name("investment_submit.lua")
POLL_SECONDS = 0.05
LONGEST_SECONDS = 600  # wrk runs until stopped; this only bounds a run that went wrong


def submit(
    servers: Sequence[Server], connections: int, items: Sequence[dict[str, Any]]
) -> tuple[list[Outcome], float, float]:
    """Submit every item once (twice for a retry), ``connections`` in flight spread evenly over
    the replicas: (outcomes, wall-clock span, CPU seconds of the wrk processes)."""
    wrk = require_wrk()
    per_replica = connections // len(servers)
    with tempfile.TemporaryDirectory(prefix="bench-investment-wrk-") as scratch:
        runs = []
        for index, server in enumerate(servers):
            share = items[index :: len(servers)]
            threads = min(per_replica, len(share))
            folder = Path(scratch) / f"replica-{index}"
            folder.mkdir()
            listed = folder / "items.tsv"
            listed.write_text("".join(_line(item) for item in share))
            results = folder / "results"
            results.mkdir()
            command = [wrk, "-t", str(threads), "-c", str(threads), "-d", f"{LONGEST_SECONDS}s"]
            command += ["--timeout", "30s", "-s", str(SCRIPT), server.url]
            command += ["--", str(listed), str(threads), str(results)]
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            runs.append((process, results, threads))
        cpu = _wait_until_done(runs)
        outcomes = [outcome for _, results, _ in runs for outcome in _read(results)]
    started = min(o.started for o in outcomes)
    ended = max(o.started + o.latency_ms / 1000 for o in outcomes)
    return outcomes, ended - started, cpu


def _line(item: dict[str, Any]) -> str:
    return f"{item['id']}\t{item['token']}\t{item['etag']}\t{int(item['retry'])}\n"


def _wait_until_done(runs: list[tuple[subprocess.Popen[bytes], Path, int]]) -> float:
    """Wait for every thread's results, then stop wrk (it would sleep out its -d); the wrk
    processes' CPU seconds, read before they exit."""
    deadline = time.monotonic() + LONGEST_SECONDS
    while any(len(list(results.glob("[0-9]*"))) < threads for _, results, threads in runs):
        for process, _, _ in runs:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"wrk stopped before its submits were done:\n{output}")
        if time.monotonic() > deadline:
            raise RuntimeError("wrk's submits did not finish in time")
        time.sleep(POLL_SECONDS)
    cpu = processes_cpu_seconds([process.pid for process, _, _ in runs])
    for process, _, _ in runs:
        process.send_signal(signal.SIGINT)
    for process, _, _ in runs:
        process.communicate(timeout=30)
    return cpu


def _read(results: Path) -> list[Outcome]:
    outcomes = []
    for path in results.glob("[0-9]*"):
        for line in path.read_text().splitlines():
            return_id, kind, status, started_us, latency_us, receipt = line.split("\t")
            outcomes.append(
                Outcome(
                    int(return_id),
                    kind,
                    int(status),
                    int(latency_us) / 1000,
                    started=int(started_us) / 1e6,
                    receipt=None if receipt == "-" else receipt,
                )
            )
    return outcomes
