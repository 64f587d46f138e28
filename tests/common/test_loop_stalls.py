"""The loop-stall guard (``common.testing.loop_stalls``): in asyncio debug mode a test whose
event loop was blocked fails, naming the step; a test that awaits passes; outside debug mode
nothing changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    sample = directory / "test_sample.py"
    sample.write_text(SAMPLE)
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONASYNCIODEBUG"}
    if debug:
        environment["PYTHONASYNCIODEBUG"] = "1"
    # The project's database plugin ("moea") is not needed by the sample.
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:moea"]
    return subprocess.run(
        [*command, str(sample)],
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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
