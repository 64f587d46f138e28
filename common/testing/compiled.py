"""pytest plugin: a test run stops at once when a compiled module is older than its source.

``setup.py`` compiles some pure modules with mypyc into extension modules beside their sources,
and Python imports an extension before a source of the same name: an edited source would not
run, and its tests would pass or fail on the old code, until the next install. ``make`` rebuilds
when a compiled source changes; this catches a run started another way (plain ``pytest`` after
an edit, or after checking out another commit).
"""

from __future__ import annotations

from pathlib import Path

import pytest

__all__ = ["stale_extensions"]


def stale_extensions(root: Path) -> list[Path]:
    """The sources under ``root``'s packages edited after their extension module was built."""
    stale: list[Path] = []
    for package in sorted(root.iterdir()):
        if not (package / "__init__.py").is_file():
            continue
        for extension in package.rglob("*.so"):
            # ``engine.cpython-311-x86_64-linux-gnu.so`` is built from ``engine.py``.
            source = extension.with_name(extension.name.split(".", 1)[0] + ".py")
            if source.is_file() and source.stat().st_mtime > extension.stat().st_mtime:
                stale.append(source)
    return stale


def pytest_sessionstart(session: pytest.Session) -> None:
    stale = stale_extensions(session.config.rootpath)
    if stale:
        names = ", ".join(str(path.relative_to(session.config.rootpath)) for path in stale)
        pytest.exit(
            f"compiled modules are older than their sources ({names}): "
            "run `make install` to rebuild them",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
