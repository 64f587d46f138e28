"""Which thread a function ran in: for the tests that long CPU work leaves the event loop."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

import pytest


class ThreadCalls:
    """Wraps module functions to record, per call, its thread and whether the cyclic collector
    was on. Wrap the name the caller looks up at call time (a module global)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self.threads: dict[str, list[threading.Thread]] = {}
        self.collecting: dict[str, list[bool]] = {}

    def watch(self, module: object, *names: str) -> None:
        for name in names:
            self._wrap(module, name)

    def _wrap(self, module: object, name: str) -> None:
        function: Callable[..., Any] = getattr(module, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.threads.setdefault(name, []).append(threading.current_thread())
            self.collecting.setdefault(name, []).append(gc.isenabled())
            return function(*args, **kwargs)

        self._monkeypatch.setattr(module, name, recorded)

    def counts(self) -> dict[str, int]:
        return {name: len(threads) for name, threads in self.threads.items()}

    def on_thread(self, loop_thread: threading.Thread) -> list[str]:
        """The names called at least once on ``loop_thread`` (the test's event loop)."""
        return [name for name, threads in self.threads.items() if loop_thread in threads]
