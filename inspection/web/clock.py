"""The service's clock as a dependency: tests set ``app.state.clock`` instead of sleeping.

Every use case that depends on "now" (deadlines, validity, status events) takes it from here,
so one request sees one instant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def app_now(request: Request) -> datetime:
    """The app clock's instant (a plain call, for routes too hot for dependency solving)."""
    clock: Clock = getattr(request.app.state, "clock", system_clock)
    return clock()


async def request_now(request: Request) -> datetime:
    return app_now(request)


NowDep = Annotated[datetime, Depends(request_now)]
