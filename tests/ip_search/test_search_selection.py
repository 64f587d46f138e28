"""Choosing the search backend: settings, the app's wiring, readiness, outages, the CLI.

OpenSearch is a scripted stand-in cluster here (no server can run on these machines)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from ip_search.app import MANIFEST, ip_search_command
from ip_search.importing.planted import planted_records
from ip_search.importing.runner import import_items
from ip_search.search.opensearch import repository
from ip_search.search.opensearch.documents import mark_document
from ip_search.search.postgres import PostgresSearchBackend
from ip_search.search.resident.backend import ResidentSearchBackend
from ip_search.settings import IpSearchSettings
from tests.ip_search.opensearch_cluster import answer_from
from tests.ip_search.opensearch_stub import OpenSearchStub

ALIAS = "marks"


@pytest.fixture
async def stub() -> AsyncIterator[OpenSearchStub]:
    server = OpenSearchStub()
    await server.start()
    yield server
    await server.stop()


def opensearch_selected(stub: OpenSearchStub) -> dict[str, Any]:
    return {"search_backend": "opensearch", "opensearch_url": stub.url, "opensearch_index": ALIAS}


def test_the_opensearch_backend_needs_its_url() -> None:
    with pytest.raises(ValidationError, match="opensearch_url"):
        IpSearchSettings(search_backend="opensearch")


def test_the_url_with_its_credentials_is_a_secret() -> None:
    settings = IpSearchSettings(opensearch_url="https://search:hunter2@os.example:9200")

    assert "hunter2" not in repr(settings)
    assert settings.search_backend == "postgres"


async def test_postgres_with_its_resident_index_is_the_default_and_in_before_serving(
    service_client_factory: Callable[..., Any],
) -> None:
    service = service_client_factory(MANIFEST)
    async with service as client:
        backend = service.app.state.search_backend
        response = await client.get("/readyz")

    assert isinstance(backend, ResidentSearchBackend)
    assert set(response.json()["checks"]) == {"postgresql", "redis", "resident_index"}
    assert response.json()["checks"]["resident_index"]["status"] == "ok"


async def test_without_the_resident_index_every_search_reads_postgresql(
    service_client_factory: Callable[..., Any],
) -> None:
    service = service_client_factory(MANIFEST, search_resident_index=False)
    async with service as client:
        response = await client.get("/readyz")

    assert type(service.app.state.search_backend) is PostgresSearchBackend
    assert set(response.json()["checks"]) == {"postgresql", "redis"}


@pytest.mark.parametrize(("alias_status", "expected"), [(200, "ok"), (404, "degraded")])
async def test_readiness_reports_the_selected_cluster(
    service_client_factory: Callable[..., Any],
    stub: OpenSearchStub,
    alias_status: int,
    expected: str,
) -> None:
    stub.on("HEAD", f"/_alias/{ALIAS}", (alias_status, {}))

    async with service_client_factory(MANIFEST, **opensearch_selected(stub)) as client:
        response = await client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == expected
    assert body["checks"]["opensearch"]["status"] == ("ok" if expected == "ok" else "failing")


async def test_search_answers_from_the_selected_cluster(
    service_client_factory: Callable[..., Any], stub: OpenSearchStub, db_engine: AsyncEngine
) -> None:
    await import_items(db_engine, planted_records(), source="planted", feed="synthetic")
    async with AsyncSession(db_engine) as session:
        rows = [row async for row in repository.all_marks(session, 100)]
    documents = {row["application_no"]: mark_document(row) for row in rows}
    stub.on("POST", f"/{ALIAS}/_msearch", answer_from(documents))

    async with service_client_factory(MANIFEST, **opensearch_selected(stub)) as client:
        response = await client.get("/trademarks/search", params={"q": "生華", "nice_class": 5})

    assert response.status_code == 200
    assert response.json()["items"][0]["name"] == "東生華"
    # the key postings in one request, then the chosen marks' documents
    assert stub.calls() == [("POST", f"/{ALIAS}/_msearch")] * 2


async def test_an_unavailable_cluster_is_a_503_problem_and_changes_nothing(
    service_client_factory: Callable[..., Any], stub: OpenSearchStub, db_engine: AsyncEngine
) -> None:
    stub.on("POST", f"/{ALIAS}/_msearch", (503, {"error": "unavailable", "status": 503}))

    async with service_client_factory(MANIFEST, **opensearch_selected(stub)) as client:
        response = await client.get("/trademarks/search", params={"q": "生華"})

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "search is unavailable; try again shortly"
    async with db_engine.connect() as connection:
        marks = await connection.scalar(text("SELECT count(*) FROM ip_search.trademark"))
        outbox = await connection.scalar(text("SELECT count(*) FROM ip_search.outbox"))
    assert (marks, outbox) == (0, 0)


def test_reindex_refuses_to_run_without_a_cluster(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("IP_SEARCH_OPENSEARCH_URL", "MOEA_OPENSEARCH_URL"):
        monkeypatch.delenv(name, raising=False)

    status = ip_search_command(["reindex"], "postgresql+asyncpg://nobody@127.0.0.1:1/none")

    assert status == 2
    assert "IP_SEARCH_OPENSEARCH_URL" in capsys.readouterr().err
