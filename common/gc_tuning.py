"""Garbage-collector settings for a serving process, applied once its first app has started.

A service process holds a large heap that lives as long as the process (every imported module,
FastAPI's routes, SQLAlchemy's and pydantic's machinery), and CPython's cyclic collector walks
it again in every full collection, while the default young-generation threshold (700
allocations) starts a collection every request or two. Profiled on the inspection service's
public check (py-spy --native), collections were 30 % of the server's CPU.

``tune_for_serving`` therefore
- collects, then freezes everything alive into the permanent generation: what startup built is
  not garbage, and is never walked again;
- raises the young-generation threshold, so the objects of requests in flight are traversed
  once per ``GEN0_THRESHOLD`` allocations instead of once per 700. Cycles are still collected,
  in larger batches.

What no threshold bounds: objects that outlive their request, such as cache entries. The young
generation's count is allocations minus deallocations, and an evicted old entry counts as a
deallocation, so under steady churn collections come seldom and each traverses every entry
made since the last one. Size a cache for its hit rate, not "large" (``ip_search.search.query``
measured it).

Only the first app of a process is frozen: tests build hundreds of apps in one process, and
freezing each would keep every finished test's cyclic garbage forever.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["GEN0_THRESHOLD", "collector_paused", "tune_for_serving"]

GEN0_THRESHOLD = 10_000
_tuned = False


def tune_for_serving() -> None:
    global _tuned  # noqa: PLW0603 - once per process is the point
    if _tuned:
        return
    _tuned = True
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection while the block runs (the previous state comes back after it).

    For a bulk load inside a serving process, which allocates millions of objects: each full
    collection it set off walked the whole heap with the event loop stopped. Loading the
    ip_search resident index (1,000,016 marks) set off some 33 of them, 90-200 ms each; paused,
    none. Requests served meanwhile may leave cyclic garbage, collected after the block.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
