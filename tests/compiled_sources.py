"""Compiled modules against their sources: ``setup.py`` builds some pure packages with mypyc,
and these helpers run the same code with a package's modules imported from their ``.py``
files, in a subprocess, so a test can compare what both give."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

# A path hook giving the package's own directories a finder of sources only: every module under
# it loads from its .py file, while site-packages keep their extensions.
_SOURCES_ONLY = """
import importlib.machinery as machinery
import sys

PACKAGE_DIR = {package_dir!r}


def sources_only(path):
    if path != PACKAGE_DIR and not path.startswith(PACKAGE_DIR + "/"):
        raise ImportError(path)
    return machinery.FileFinder(path, (machinery.SourceFileLoader, machinery.SOURCE_SUFFIXES))


sys.path_hooks.insert(0, sources_only)
sys.path_importer_cache.clear()
"""


def not_compiled(package: ModuleType) -> list[str]:
    """The modules of ``package`` (one level) that did not load from an extension module."""
    names = [package.__name__]
    names += [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    return [
        name for name in names if not str(importlib.import_module(name).__file__).endswith(".so")
    ]


def run_interpreted(package: ModuleType, code: str) -> str:
    """The standard output of ``code`` run from the repository root, with every module of
    ``package``'s top-level package imported from its sources."""
    top = importlib.import_module(package.__name__.split(".")[0])
    package_dir = str(Path(str(top.__file__)).parent)
    run = subprocess.run(
        [sys.executable, "-c", _SOURCES_ONLY.format(package_dir=package_dir) + code],
        cwd=Path(package_dir).parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return run.stdout
