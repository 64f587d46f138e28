"""pytest plugin: a test run stops at once when a compiled module is older than its source.

``setup.py`` compiles some pure modules with mypyc, and C sources, into extension modules beside
them, and Python imports an extension before a source of the same name: an edited source would
not run, and its tests would pass or fail on the old code, until the next install. ``make``
rebuilds when a compiled source changes; this catches a run started another way (plain
``pytest`` after an edit, or after checking out another commit).
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
            # ``engine.cpython-311-x86_64-linux-gnu.so`` is built from ``engine.py`` (mypyc)
            # or ``engine.c`` (a C extension).
            stem = extension.name.split(".", 1)[0]
            for source in (extension.with_name(stem + ".py"), extension.with_name(stem + ".c")):
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
