"""Only officers of TIPO, the agency owning this deployment's open data, publish it and issue its
API keys: an officer of another agency finds no dataset or key (404) and may not add one (403),
and nothing changes, in the database or in storage. The public catalog stays open to him."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from ip_search.app import MANIFEST
from tests.ip_search.test_opendata_api import BASE, DOWNLOAD, PROBLEM, dataset_body
from tests.schema_state import schema_state


@pytest.fixture
async def client(
    service_client_factory: Callable[..., Any], tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(MANIFEST, open_data_dir=tmp_path) as http:
        yield http


@pytest.fixture
def officer(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('officer', agency='TIPO')}"}


@pytest.fixture
async def published(
    client: httpx.AsyncClient, officer: dict[str, str], tmp_path: Path
) -> dict[str, Any]:
    """The dataset with version 1, published by an officer of TIPO."""
    created = await client.post("/open-data/datasets", json=dataset_body(), headers=officer)
    assert created.status_code == 201, created.text
    (tmp_path / "tm").mkdir()
    (tmp_path / "tm" / "2026-11.csv").write_bytes(b"appl-no\n114000001\n")
    body = {"storage_key": "tm/2026-11.csv", "row_count": 1, "change_note": "first"}
    version = await client.post(f"{BASE}/versions", json=body, headers=officer)
    assert version.status_code == 201, version.text
    out: dict[str, Any] = version.json()
    return out


@pytest.fixture
def foreign_officer(token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token('officer', agency='BSMI', subject='officer-bsmi')}"}


async def _api_key(client: httpx.AsyncClient, officer: dict[str, str]) -> int:
    created = await client.post(
        "/open-data/api-keys", json={"label": "mirror", "daily_quota": 5}, headers=officer
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


async def test_an_officer_of_another_agency_publishes_nothing(
    client: httpx.AsyncClient,
    published: dict[str, Any],
    officer: dict[str, str],
    foreign_officer: dict[str, str],
    tmp_path: Path,
    db_engine: AsyncEngine,
) -> None:
    key_id = await _api_key(client, officer)
    (tmp_path / "tm" / "2026-12.csv").write_bytes(b"appl-no\n114000002\n")
    files = sorted(tmp_path.rglob("*"))
    before = await schema_state(db_engine, "ip_search")
    register = {"storage_key": "tm/2026-12.csv", "row_count": 1, "change_note": "sneaky"}
    refused: list[tuple[str, str, dict[str, Any], int]] = [
        ("POST", f"{BASE}/versions", {"json": register}, 404),
        ("POST", f"{BASE}/versions/upload", {"content": b"a\n1\n"}, 404),
        ("POST", "/open-data/datasets/no-such-set/versions", {"json": register}, 404),
        ("DELETE", f"/open-data/api-keys/{key_id}", {}, 404),
        ("POST", "/open-data/datasets", {"json": dataset_body("other")}, 403),
        ("POST", "/open-data/api-keys", {"json": {"label": "x", "daily_quota": 5}}, 403),
    ]
    for method, path, body, status in refused:
        response = await client.request(method, path, headers=foreign_officer, **body)
        assert response.status_code == status, (method, path, response.text)
        assert response.headers["content-type"] == PROBLEM, (method, path)
    assert await schema_state(db_engine, "ip_search") == before
    assert sorted(tmp_path.rglob("*")) == files
    for path in ["/open-data/datasets", BASE, f"{BASE}/changes?since=0"]:
        public = await client.get(path, headers=foreign_officer)
        assert public.status_code == 200, (path, public.text)


async def test_the_owning_agencys_officer_and_admins_still_publish(
    client: httpx.AsyncClient,
    published: dict[str, Any],
    officer: dict[str, str],
    token: Callable[..., str],
) -> None:
    uploaded = await client.post(
        f"{BASE}/versions/upload", params={"row_count": 1}, content=b"a\n1\n", headers=officer
    )
    assert uploaded.json()["version"] == 2
    admin = {"Authorization": f"Bearer {token('admin', subject='admin-1')}"}
    revoked = await client.delete(
        f"/open-data/api-keys/{await _api_key(client, officer)}", headers=admin
    )
    assert revoked.status_code == 204
    created = await client.post("/open-data/datasets", json=dataset_body("other"), headers=admin)
    assert created.status_code == 201, created.text
    assert (await client.get(DOWNLOAD)).status_code == 200
