"""pytest plugin: in asyncio debug mode, a test fails when an event loop stalled while it ran.

DESIGN.md names blocking calls in async code as a trap, to be caught by running the tests with
``PYTHONASYNCIODEBUG=1`` (CI's run sets it). In debug mode asyncio logs every callback or task
step that held its loop past the loop's ``slow_callback_duration``: synchronous I/O, or a long
stretch of CPU work, during which a service answers nothing else. This plugin turns each such
record of ``STALL_SECONDS`` or more into a failure of the test phase (setup, call or teardown)
during which it was logged, naming the step and its time.

Only loops of the main thread count (pytest-asyncio's, or one a test runs itself): a loop that
a synchronous test drives through a portal in another thread (schemathesis' ASGI calls) shares
the GIL with the test's own thread, so its steps' times include waiting for the test's work.

Outside debug mode asyncio logs no such record, and the plugin adds nothing to a run.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator

import pytest

__all__ = ["STALL_SECONDS", "LoopStalls", "asyncio_debug_mode"]

STALL_SECONDS = 0.25
"""asyncio reports steps past 0.1 s; on a loaded 2-core machine a step of 50 ms of CPU can take
that long, while a quarter of a second is a stall on any machine."""
# asyncio.base_events logs a slow step with this format and (step, seconds) as its arguments.
_STALL_FORMAT = "Executing %s took %.3f seconds"


def asyncio_debug_mode() -> bool:
    """Whether new event loops run in debug mode (as ``asyncio.coroutines`` decides it)."""
    from_environment = not sys.flags.ignore_environment and bool(
        os.environ.get("PYTHONASYNCIODEBUG")
    )
    return sys.flags.dev_mode or from_environment


class LoopStalls(logging.Handler):
    """Collects asyncio's slow-step records of ``STALL_SECONDS`` or more, from every loop."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.stalls: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if record.thread != threading.main_thread().ident:
            return
        if record.msg != _STALL_FORMAT or not isinstance(args, tuple) or len(args) != 2:
            return
        step, seconds = args
        if isinstance(seconds, float) and seconds >= STALL_SECONDS:
            self.stalls.append(f"{seconds:.3f} s in {step}")

    def take(self) -> list[str]:
        taken, self.stalls = self.stalls, []
        return taken


_HANDLER = LoopStalls()


def pytest_configure(config: pytest.Config) -> None:
    if asyncio_debug_mode():
        asyncio_logger = logging.getLogger("asyncio")
        # Its own level: a test that quietens the root logger must not silence the stalls.
        asyncio_logger.setLevel(logging.WARNING)
        asyncio_logger.addHandler(_HANDLER)


def pytest_unconfigure(config: pytest.Config) -> None:
    logging.getLogger("asyncio").removeHandler(_HANDLER)


def _failing_on_stalls() -> Iterator[None]:
    _HANDLER.take()  # stalls between tests (collection, session fixtures) belong to none
    yield
    if stalls := _HANDLER.take():
        pytest.fail("the event loop stalled:\n" + "\n".join(stalls), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    return (yield from _failing_on_stalls())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    return (yield from _failing_on_stalls())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    return (yield from _failing_on_stalls())
