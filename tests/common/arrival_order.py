"""Which request got a pool's connection when: the fairness check of both pools' tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

C = TypeVar("C")


async def served_order(
    checkout: Callable[[], AbstractAsyncContextManager[C]],
    use: Callable[[C], Awaitable[object]],
    *,
    arrivals: int = 200,
) -> list[int]:
    """Requests arrive one per turn of the event loop, as under load, each taking a connection
    and running one statement on it; the arrival numbers in the order they got a connection."""
    served: list[int] = []

    async def request(arrival: int) -> None:
        async with checkout() as connection:
            served.append(arrival)
            await use(connection)

    requests = []
    for arrival in range(arrivals):
        requests.append(asyncio.create_task(request(arrival)))
        await asyncio.sleep(0)
    await asyncio.gather(*requests)
    return served
