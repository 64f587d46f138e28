"""Endpoints that FastAPI has nothing to do for, called directly.

An endpoint that takes the request alone and returns a ``Response`` leaves FastAPI no
parameter to read, no dependency to solve and nothing to serialise. Its request handler still
solves the empty dependencies for every request: it makes a ``Response`` for them to set
headers on, enters exit stacks, runs telemetry hooks. Profiled on a cached trademark search,
that was a tenth of the request's CPU. Such an endpoint is awaited as it is instead; FastAPI
still documents the route and matches it as before, and exceptions propagate to the same
handlers, since FastAPI's handler re-raises whatever the endpoint raises.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any, get_type_hints

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["Handler", "direct_handler"]

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def direct_handler(route: APIRoute) -> Handler | None:
    """The route's endpoint as its request handler, if it takes the request alone and returns
    a ``Response``; else None (FastAPI's handler is needed)."""
    endpoint = route.endpoint
    dependant = route.dependant
    name = dependant.request_param_name
    if name is None or dependant.dependencies or not inspect.iscoroutinefunction(endpoint):
        return None  # route or router dependencies are the dependant's too
    if list(inspect.signature(endpoint).parameters) != [name]:
        return None
    returned = get_type_hints(endpoint).get("return")
    if not (inspect.isclass(returned) and issubclass(returned, Response)):
        return None

    async def handler(request: Request) -> Response:
        response: Response = await endpoint(**{name: request})
        return response

    return handler
