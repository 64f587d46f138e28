"""The loop-stall guard (``common.testing.loop_stalls``): in asyncio debug mode a test whose
event loop was blocked fails, naming the step; a test that awaits passes; outside debug mode
nothing changes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.pytest_sample import run_sample

SAMPLE = """
import asyncio
import time


def test_blocks_its_loop():
    async def handler():
        time.sleep(0.4)  # a blocking call in async code

    asyncio.run(handler())


def test_awaits_instead():
    async def handler():
        await asyncio.sleep(0.4)

    asyncio.run(handler())
"""


def _run_sample(directory: Path, *, debug: bool) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONASYNCIODEBUG"}
    if debug:
        environment["PYTHONASYNCIODEBUG"] = "1"
    return run_sample(directory, SAMPLE, environment=environment)


def test_in_debug_mode_a_blocked_loop_fails_its_test(tmp_path: Path) -> None:
    run = _run_sample(tmp_path, debug=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 1 passed" in run.stdout
    assert "test_blocks_its_loop" in run.stdout
    assert "the event loop stalled" in run.stdout
    assert "handler()" in run.stdout  # the step is named


def test_outside_debug_mode_the_guard_does_nothing(tmp_path: Path) -> None:
    run = _run_sample(tmp_path, debug=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout
