from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from services.registry import SERVICES


@pytest.mark.parametrize("name", list(SERVICES))
async def test_each_service_is_ready_on_real_backends(
    name: str, service_client_factory: Callable[..., Any]
) -> None:
    async with service_client_factory(SERVICES[name]) as client:
        response = await client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["postgresql"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "ok"
