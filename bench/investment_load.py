"""The save phase of ``bench/investment.py``: virtual factories on aiohttp, one process each.

Each process gets a slice of returns (id, filing token, answers) and runs ``concurrency``
workers over it: GET the return, then PUT the draft with its ETag. The workers' keep-alive
connections are spread evenly over the service's replicas, as the ingress spreads them. Every
request's status and latency comes back to the parent. (The measured submit phase runs on wrk,
``bench.investment_wrk``, which leaves more of the shared cores to the server.)
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson
import uvloop


@dataclass(frozen=True, slots=True)
class Job:
    base_urls: tuple[str, ...]  # one per replica
    concurrency: int
    items: list[dict[str, Any]]  # {"id", "token", "answers"}


@dataclass(frozen=True, slots=True)
class Outcome:
    return_id: int
    kind: str  # open, save, submit, retry
    status: int
    latency_ms: float
    etag: str | None = None
    receipt: str | None = None
    started: float = 0.0  # wall-clock seconds (the submit phase's span is taken from these)


def run(job: Job) -> tuple[list[Outcome], float, float, float]:
    """Run one slice to completion: (outcomes, start, end) in wall-clock seconds, and the CPU
    seconds the load itself spent (it shares the cores with the server)."""
    began = time.process_time()
    outcomes, start, end = uvloop.run(_run(job))
    return outcomes, start, end, time.process_time() - began


async def _run(job: Job) -> tuple[list[Outcome], float, float]:
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for item in job.items:
        queue.put_nowait(item)
    outcomes: list[Outcome] = []
    timeout = aiohttp.ClientTimeout(total=30)
    per_replica = -(-job.concurrency // len(job.base_urls))  # each worker holds one connection
    sessions = [
        aiohttp.ClientSession(
            url, connector=aiohttp.TCPConnector(limit=per_replica), timeout=timeout
        )
        for url in job.base_urls
    ]
    try:
        start = time.time()
        workers = [
            _worker(sessions[index % len(sessions)], queue, outcomes)
            for index in range(job.concurrency)
        ]
        await asyncio.gather(*workers)
        end = time.time()
    finally:
        for session in sessions:
            await session.close()
    return outcomes, start, end


async def _worker(
    http: aiohttp.ClientSession, queue: asyncio.Queue[dict[str, Any]], outcomes: list[Outcome]
) -> None:
    while not queue.empty():
        outcomes.extend(await _save(http, queue.get_nowait()))


async def _timed(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, float, dict[str, str], bytes]:
    began = time.perf_counter()
    async with http.request(method, url, **kwargs) as response:
        body = await response.read()
        headers = {name.lower(): value for name, value in response.headers.items()}
    return response.status, (time.perf_counter() - began) * 1000, headers, body


async def _save(http: aiohttp.ClientSession, item: dict[str, Any]) -> list[Outcome]:
    headers = {"Filing-Token": item["token"]}
    url = f"/returns/{item['id']}"
    status, ms, got, _ = await _timed(http, "GET", url, headers=headers)
    opened = Outcome(item["id"], "open", status, ms)
    if status != 200:
        return [opened]
    body = orjson.dumps({"answers": item["answers"]})
    draft_headers = {**headers, "If-Match": got["etag"], "Content-Type": "application/json"}
    status, ms, got, _ = await _timed(http, "PUT", url + "/draft", data=body, headers=draft_headers)
    return [opened, Outcome(item["id"], "save", status, ms, etag=got.get("etag"))]
