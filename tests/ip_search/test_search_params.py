"""The trademark search reads its parameters with ``common.query_model`` (one validation), and
answers every query string as FastAPI's own reading of ``SearchParams`` would."""

from __future__ import annotations

import httpx
import pytest

from ip_search.trademarks.endpoints import SEARCH_QUERY
from ip_search.trademarks.schemas import SearchParams
from tests.common.test_query_model import readers_app

QUERIES = [
    "q=ok&mode=prefix&nice_class=5&nice_class=30&group=0501&status=registered&kind=trademark"
    "&filed_from=2020-01-01&filed_to=2021-01-01&limit=5&vienna=01.01.01&vienna_match=any",
    "q=%E7%94%9F%E8%8F%AF&nice_class=5",
    "q=",
    "q=%00x",
    "q=" + "x" * 201,
    "q=abc&nice_class=99&nice_class=",
    "q=abc&status=bogus&kind=x&vienna=1&group=12&filed_from=2024-13-01",
    "q=abc&limit=101&cursor=%25",
    "q=a&applicant=",
    "q=abc&vienna_match=none&mode=fuzzy",
    "q=a&" + "&".join(["nice_class=1"] * 46),
    "mode=similar",
]


@pytest.mark.parametrize("query", QUERIES)
async def test_the_search_reads_its_parameters_as_fastapi_would(query: str) -> None:
    transport = httpx.ASGITransport(app=readers_app(SearchParams, SEARCH_QUERY))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        expected = await client.get(f"/fastapi?{query}")
        found = await client.get(f"/ours?{query}")

    assert (found.status_code, found.json()) == (expected.status_code, expected.json())
    assert found.status_code == (200 if query.startswith(("q=ok", "q=%E7")) else 422)
