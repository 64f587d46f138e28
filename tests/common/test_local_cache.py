"""The in-process level of the cache: one generation at a time, bounded in size and age."""

from __future__ import annotations

import pytest

from common.local_cache import LocalCache

G1, G2 = b"generation-1", b"generation-2"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def cache(clock: Clock, *, max_entries: int = 10, max_bytes: int = 1000) -> LocalCache[str]:
    return LocalCache(max_entries=max_entries, max_bytes=max_bytes, clock=clock)


def test_a_value_is_held_for_its_generation_only() -> None:
    local = cache(Clock())
    assert local.get("k", G1) is None
    local.put("k", "v", G1, ttl=10, size=1)
    assert local.get("k", G1) == "v"

    assert local.get("k", G2) is None  # another generation: everything held is dropped
    assert len(local) == 0
    assert local.get("k", G1) is None


def test_a_value_read_under_an_older_generation_is_not_held() -> None:
    local = cache(Clock())
    local.get("k", G2)  # a newer generation has been seen
    local.put("k", "stale", G1, ttl=10, size=1)
    assert local.get("k", G2) is None
    assert len(local) == 0


def test_a_value_lapses_after_its_ttl() -> None:
    clock = Clock()
    local = cache(clock)
    local.get("short", G1)
    local.put("short", "a", G1, ttl=5, size=1)
    local.put("long", "b", G1, ttl=600, size=1)

    clock.now += 4.9
    assert (local.get("short", G1), local.get("long", G1)) == ("a", "b")
    clock.now += 0.2
    assert local.get("short", G1) is None
    clock.now += 595
    assert local.get("long", G1) is None
    assert len(local) == 0


def test_a_full_cache_drops_its_oldest_entry() -> None:
    local = cache(Clock(), max_entries=2)
    local.get("a", G1)
    local.put("a", "1", G1, ttl=10, size=1)
    local.put("b", "2", G1, ttl=10, size=1)
    local.put("a", "1'", G1, ttl=10, size=1)  # rewritten: now the newest
    local.put("c", "3", G1, ttl=10, size=1)

    assert len(local) == 2
    assert local.get("b", G1) is None
    assert (local.get("a", G1), local.get("c", G1)) == ("1'", "3")


def test_the_byte_budget_drops_the_oldest_and_refuses_a_giant() -> None:
    local = cache(Clock(), max_bytes=100)
    local.get("a", G1)
    local.put("a", "1", G1, ttl=10, size=8)
    local.put("b", "2", G1, ttl=10, size=8)
    local.put("c", "3", G1, ttl=10, size=90)  # too big for a tenth of the budget: not held
    assert (len(local), local.held_bytes) == (2, 16)

    for key in "defghijklmnopq":  # 8 bytes each: the budget holds 12 of them
        local.put(key, key, G1, ttl=10, size=8)
    assert local.held_bytes <= 100
    assert (local.get("a", G1), local.get("q", G1)) == (None, "q")


@pytest.mark.parametrize(("max_entries", "max_bytes"), [(0, 1), (1, 0)])
def test_limits_must_be_positive(max_entries: int, max_bytes: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        LocalCache[str](max_entries=max_entries, max_bytes=max_bytes)
