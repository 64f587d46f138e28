"""Fixtures shared by the end-to-end modules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.test_redis_down import World


@pytest.fixture
def world(
    db_engine: AsyncEngine,
    token: Callable[..., str],
    settings_overrides: dict[str, Any],
    redis_url: str,
    tmp_path: Path,
) -> World:
    """The seeding context of the public reads (``test_redis_down``, ``test_http_contracts``)."""
    overrides = {"open_data_dir": tmp_path, "rate_limit_anonymous": "100000/minute"}
    return World(db_engine, token, settings_overrides, overrides, redis_url)
