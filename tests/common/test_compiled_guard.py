"""The compiled-module guard (``common.testing.compiled``): a test run stops when an extension
module is older than its source, and runs when it is current."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from common.testing.compiled import stale_extensions
from tests.pytest_sample import run_sample

EXTENSION = "engine.cpython-311-x86_64-linux-gnu.so"


def _project(root: Path, *, source_age: int, extension_age: int) -> Path:
    """A package holding ``engine.py`` and its extension, each ``age`` seconds old."""
    package = root / "service" / "domain"
    package.mkdir(parents=True)
    (root / "service" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    source = package / "engine.py"
    source.write_text("")
    extension = package / EXTENSION
    extension.write_bytes(b"")
    now = 1_800_000_000
    os.utime(source, (now - source_age, now - source_age))
    os.utime(extension, (now - extension_age, now - extension_age))
    return source


def test_a_source_edited_after_its_build_is_stale(tmp_path: Path) -> None:
    source = _project(tmp_path, source_age=10, extension_age=60)
    assert stale_extensions(tmp_path) == [source]


def test_an_extension_built_after_its_source_is_current(tmp_path: Path) -> None:
    _project(tmp_path, source_age=60, extension_age=10)
    assert stale_extensions(tmp_path) == []


def test_a_c_source_edited_after_its_build_is_stale(tmp_path: Path) -> None:
    python_source = _project(tmp_path, source_age=60, extension_age=30)
    c_source = python_source.with_suffix(".c")
    c_source.write_text("")
    os.utime(c_source, (1_800_000_000 - 10, 1_800_000_000 - 10))
    assert stale_extensions(tmp_path) == [c_source]


def test_outside_packages_and_without_a_source_nothing_counts(tmp_path: Path) -> None:
    # mypyc's shared library has no source of its own; a directory without __init__.py
    # (a virtualenv, a build directory) is not a package of the project.
    (tmp_path / "b8345d2195ac981f87e7__mypyc.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    loose = tmp_path / "build"
    loose.mkdir()
    (loose / "engine.py").write_text("")
    (loose / EXTENSION).write_bytes(b"")
    os.utime(loose / EXTENSION, (1, 1))
    assert stale_extensions(tmp_path) == []


def _pytest(root: Path) -> subprocess.CompletedProcess[str]:
    return run_sample(root, "def test_passes():\n    assert True\n")


def test_a_run_with_a_stale_extension_stops_before_any_test(tmp_path: Path) -> None:
    _project(tmp_path, source_age=10, extension_age=60)
    run = _pytest(tmp_path)
    assert run.returncode == 4, run.stdout + run.stderr
    assert "service/domain/engine.py" in run.stdout + run.stderr
    assert "make install" in run.stdout + run.stderr
    assert "1 passed" not in run.stdout


def test_a_run_with_current_extensions_goes_on(tmp_path: Path) -> None:
    _project(tmp_path, source_age=60, extension_age=10)
    run = _pytest(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
