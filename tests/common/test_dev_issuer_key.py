"""The development issuer's key file: made once and whole, however many processes start at once
(two replicas of a service, or ``moea serve`` and ``moea token``, share it)."""

from __future__ import annotations

import multiprocessing
import stat
from multiprocessing.synchronize import Barrier
from pathlib import Path

from common.auth.dev_issuer import DevIssuer

STARTING_AT_ONCE = 8


def _start(path: str, barrier: Barrier, kids: multiprocessing.Queue[str]) -> None:
    barrier.wait()
    try:
        kids.put(DevIssuer.load_or_create(Path(path), issuer="test", audience="test").kid)
    except ValueError as exc:  # a key file read before it was whole
        kids.put(f"failed: {exc}")


def test_processes_starting_at_once_share_one_whole_key(tmp_path: Path) -> None:
    path = tmp_path / "var" / "dev-issuer.pem"
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(STARTING_AT_ONCE)
    kids: multiprocessing.Queue[str] = context.Queue()
    processes = [
        context.Process(target=_start, args=(str(path), barrier, kids))
        for _ in range(STARTING_AT_ONCE)
    ]
    for process in processes:
        process.start()
    results = [kids.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)

    assert len(set(results)) == 1, results
    assert results[0].startswith("dev-")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_an_existing_key_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "dev-issuer.pem"
    first = DevIssuer.load_or_create(path, issuer="test", audience="test")
    again = DevIssuer.load_or_create(path, issuer="test", audience="test")
    assert again.kid == first.kid
