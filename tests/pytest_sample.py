"""A sample test module run by pytest in a subprocess: for the tests of the project's pytest
plugins, which act on a whole run."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_sample(
    directory: Path, source: str, *, environment: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``source`` written to ``directory/test_sample.py`` and run there, as its root directory.

    The project's database plugin ("moea") is not needed by a sample and is left out."""
    sample = directory / "test_sample.py"
    sample.write_text(source)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:moea"]
    return subprocess.run(
        [*command, "--rootdir", str(directory), str(sample)],
        cwd=directory,
        env=None if environment is None else dict(environment),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
