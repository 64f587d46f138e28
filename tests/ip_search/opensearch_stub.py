"""A local HTTP server standing in for an OpenSearch cluster: it answers the API calls a test
scripts and records every request, so the real opensearch-py client (aiohttp) is exercised
over real HTTP. OpenSearch is a third party to this code; no server can run on CI machines."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def ndjson(self) -> list[Any]:
        return [json.loads(line) for line in self.body.splitlines() if line.strip()]


Answer = tuple[int, Any]
Responder = Callable[[Recorded], Answer]


def bulk_ok(request: Recorded) -> Answer:
    """Every action of a ``_bulk`` request succeeded."""
    lines = request.ndjson()
    items = [
        {kind: {"_index": meta["_index"], "_id": meta["_id"], "status": 201}}
        for action in lines[::2]
        for kind, meta in action.items()
    ]
    return 200, {"took": 1, "errors": False, "items": items}


ACKNOWLEDGED: Answer = (200, {"acknowledged": True})


class OpenSearchStub:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._routes: list[tuple[str, re.Pattern[str], Responder]] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    def on(self, method: str, path: str, answer: Answer | Responder) -> None:
        """Answer ``method`` on paths fully matching the regex ``path`` (first rule wins)."""
        responder = answer if callable(answer) else (lambda _request: answer)
        self._routes.append((method, re.compile(path), responder))

    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.requests]

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        recorded = Recorded(request.method, request.path, dict(request.query), await request.read())
        self.requests.append(recorded)
        for method, pattern, responder in self._routes:
            if method == request.method and pattern.fullmatch(request.path):
                status, body = responder(recorded)
                text = "" if request.method == "HEAD" else json.dumps(body)
                return web.Response(status=status, text=text, content_type="application/json")
        error = {"error": f"no scripted answer for {request.method} {request.path}"}
        return web.json_response(error, status=501)
