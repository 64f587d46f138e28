"""The cyclic garbage collector paused while a batch is matched.

Reading a batch allocates a few objects per line (rows, records, decisions, columns), all alive
until the batch is written and none in a cycle: CPython's cyclic collector only rescans that
growing heap, again and again (about 200 ms of a 20,000-line batch, as much as the engine's
own work; the engine pauses it for the same reason while it runs). Reference counting still
frees what dies early.

The collector is one per process, not per thread or task. The pause spans the batch's
statements on the loop and its engine run in a worker thread (which finds the collector paused
and leaves it so), so other tasks of the process run without cyclic collection for that while
too: their cycles are collected once it ends, as they would be after any collection delayed by
a higher threshold. Batches matched at the same time by one worker overlap their pauses: the
collector resumes when the last of them ends, not when the first does.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    """The pauses open now; ``resume`` is whether the first of them found the collector on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open = 0
        self.resume = False


_PAUSES = _Pauses()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block, unless something else has already paused it
    (a caller's pause is left as it was); overlapping blocks resume it when the last ends."""
    with _PAUSES.lock:
        if _PAUSES.open == 0:
            _PAUSES.resume = gc.isenabled()
            gc.disable()
        _PAUSES.open += 1
    try:
        yield
    finally:
        with _PAUSES.lock:
            _PAUSES.open -= 1
            if _PAUSES.open == 0 and _PAUSES.resume:
                gc.enable()
