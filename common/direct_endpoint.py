"""Endpoints that FastAPI has nothing to do for, called directly.

An endpoint that takes the request alone and returns a ``Response`` leaves FastAPI no
parameter to read, no dependency to solve and nothing to serialise. Its request handler still
solves the empty dependencies for every request: it makes a ``Response`` for them to set
headers on, enters exit stacks, runs telemetry hooks. Profiled on a cached trademark search,
that was a tenth of the request's CPU. Such an endpoint is awaited as it is instead; FastAPI
still documents the route and matches it as before, and exceptions propagate to the same
handlers, since FastAPI's handler re-raises whatever the endpoint raises.

The dependencies that count are those FastAPI would solve, including the ones an inclusion adds
(``include_router(..., dependencies=...)``, the app's own): FastAPI builds an included route's
handler in a context holding the route as included, read here through its private context
variable. Should a FastAPI version lack it, no endpoint is called directly: a dependency is
never skipped.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any, get_type_hints

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

_inclusion: ContextVar[Any] | None
try:  # the route as included, while FastAPI builds its handler (FastAPI 0.16x)
    from fastapi.routing import _effective_route_context_var

    _inclusion = _effective_route_context_var
except ImportError:  # pragma: no cover - another FastAPI: never call an endpoint directly
    _inclusion = None

__all__ = ["Handler", "direct_handler"]

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def _dependant_as_solved(route: APIRoute) -> Dependant | None:
    """The dependant FastAPI's handler would solve for ``route`` now, or None if unknown."""
    if _inclusion is None:
        return None
    included = _inclusion.get()
    if included is not None and included.original_route is route:
        dependant: Dependant | None = included.dependant
        return dependant
    return route.dependant


def direct_handler(route: APIRoute) -> Handler | None:
    """The route's endpoint as its request handler, if it takes the request alone and returns
    a ``Response``; else None (FastAPI's handler is needed)."""
    endpoint = route.endpoint
    dependant = _dependant_as_solved(route)
    if dependant is None:
        return None
    name = dependant.request_param_name
    if name is None or dependant.dependencies or not inspect.iscoroutinefunction(endpoint):
        return None  # the route's, its routers' and the app's dependencies are all here
    if list(inspect.signature(endpoint).parameters) != [name]:
        return None
    returned = get_type_hints(endpoint).get("return")
    if not (inspect.isclass(returned) and issubclass(returned, Response)):
        return None

    async def handler(request: Request) -> Response:
        response: Response = await endpoint(**{name: request})
        return response

    return handler
