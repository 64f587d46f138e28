"""The cyclic garbage collector paused while a batch is matched.

Reading a batch allocates a few objects per line (rows, records, decisions, columns), all alive
until the batch is written and none in a cycle: CPython's cyclic collector only rescans that
growing heap, again and again (about 200 ms of a 20,000-line batch, as much as the engine's
own work; the engine pauses it for the same reason while it runs). Reference counting still
frees what dies early.

The pause spans the batch's statements, so other tasks of the process run without cyclic
collection for that while too: their cycles are collected once it ends, as they would be
after any collection delayed by a higher threshold.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block, unless something else has already paused it
    (a caller's pause is left as it was)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
