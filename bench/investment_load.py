"""The load side of ``bench/investment.py``: virtual factories on aiohttp, one process each.

Each process gets a slice of returns (id, filing token, answers) and runs ``concurrency``
workers over it: phase ``save`` is GET the return then PUT the draft with its ETag; phase
``submit`` is POST submit with an Idempotency-Key and the draft's ETag, retried with the same
key for a share of them. The workers' keep-alive connections are spread evenly over the
service's replicas, as the ingress spreads them. Every request's status and latency comes
back to the parent.
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
    phase: str  # "save" or "submit"
    concurrency: int
    items: list[dict[str, Any]]  # {"id", "token", "answers", "etag", "retry"}


@dataclass(frozen=True, slots=True)
class Outcome:
    return_id: int
    kind: str  # open, save, submit, retry
    status: int
    latency_ms: float
    etag: str | None = None
    receipt: str | None = None


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
            _worker(sessions[index % len(sessions)], job.phase, queue, outcomes)
            for index in range(job.concurrency)
        ]
        await asyncio.gather(*workers)
        end = time.time()
    finally:
        for session in sessions:
            await session.close()
    return outcomes, start, end


async def _worker(
    http: aiohttp.ClientSession,
    phase: str,
    queue: asyncio.Queue[dict[str, Any]],
    outcomes: list[Outcome],
) -> None:
    while not queue.empty():
        item = queue.get_nowait()
        if phase == "save":
            outcomes.extend(await _save(http, item))
        else:
            outcomes.extend(await _submit(http, item))


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


async def _submit(http: aiohttp.ClientSession, item: dict[str, Any]) -> list[Outcome]:
    headers = {
        "Filing-Token": item["token"],
        "Idempotency-Key": f"bench-{item['id']}",
        "If-Match": item["etag"],
    }
    url = f"/returns/{item['id']}/submit"
    results = []
    for kind in ("submit", "retry") if item["retry"] else ("submit",):
        status, ms, _, body = await _timed(http, "POST", url, headers=headers)
        receipt = orjson.loads(body).get("receipt_number") if status == 201 else None
        results.append(Outcome(item["id"], kind, status, ms, receipt=receipt))
    return results
