"""The first app of a process tunes the garbage collector for serving; later ones leave it."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import pytest

from common.gc_tuning import GEN0_THRESHOLD, collector_paused, tune_for_serving
from tests.common.test_caching import MANIFEST


async def test_a_started_app_serves_with_startup_objects_frozen_and_fewer_collections(
    service_client_factory: Callable[..., Any],
) -> None:
    async with service_client_factory(MANIFEST) as client:
        assert (await client.get("/items/1")).status_code == 200
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == GEN0_THRESHOLD


def test_tuning_happens_once_per_process() -> None:
    tune_for_serving()
    frozen = gc.get_freeze_count()
    newer: list[list[int]] = [[] for _ in range(100)]  # containers: tracked by the collector
    tune_for_serving()
    assert gc.get_freeze_count() == frozen  # nothing newer was frozen
    assert all(gc.is_tracked(item) for item in newer)


def test_the_collector_pauses_for_a_block_and_comes_back_as_it_was() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the block failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
