"""``common.query_model.QueryModel`` against FastAPI's own ``Annotated[Model, Query()]``: the same
values, the same validation errors and the same documented parameters for the same model."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from common.query_model import QueryModel


class Mode(StrEnum):
    FAST = "fast"
    SLOW = "slow"


class Params(BaseModel):
    q: str = Field(min_length=1, max_length=20, description="What to look for")
    mode: Mode = Mode.FAST
    tag: list[Annotated[int, Field(ge=1, le=45)]] = Field(default_factory=list, max_length=3)
    codes: list[str] | None = None
    since: dt.date | None = None
    limit: int = Field(20, ge=1, le=100)


OURS = QueryModel(Params)


def readers_app(model: type[BaseModel], reader: QueryModel[Any]) -> FastAPI:
    """``GET /fastapi`` reads ``model`` as FastAPI does, ``GET /ours`` with ``reader``; both
    answer the model's values, or 422 with each error's location, message and type."""
    app = FastAPI()

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return JSONResponse(errors, status_code=422)

    async def by_fastapi(params: BaseModel) -> dict[str, Any]:
        return params.model_dump(mode="json")

    # The model is a parameter here: its annotation set at run time, as FastAPI must see it.
    by_fastapi.__annotations__ = {"params": Annotated[model, Query()], "return": dict[str, Any]}
    app.get("/fastapi")(by_fastapi)

    @app.get("/ours", openapi_extra=reader.openapi)
    async def by_ours(request: Request) -> dict[str, Any]:
        params: BaseModel = reader.read(request)
        return params.model_dump(mode="json")

    return app


def _app() -> FastAPI:
    return readers_app(Params, OURS)


QUERIES = [
    "q=abc",
    "q=abc&mode=slow&tag=5&tag=30&limit=7&since=2024-02-29",
    "q=first&q=last",  # the last value of a scalar
    "q=abc&codes=a&codes=b&unknown=1&unknown=2",  # unknown names ignored
    "q=abc&tag=",  # an empty value is a value
    "q=abc&codes=",
    "",  # q missing
    "q=",
    "q=abc&tag=46&tag=x&tag=0",
    "q=abc&tag=1&tag=2&tag=3&tag=4",
    "q=abc&mode=other&limit=0&since=2024-02-30",
    "q=abc&limit=1.5&limit=",
    "q=" + "x" * 21,
    "mode=slow&tag=5",
    "q=%E5%91%B3%E5%90%88+%E5%90%88&codes=a%26b&codes=%ZZ",  # UTF-8 escapes, + and bad escapes
    "q=abc&&tag=5&=x&codes",  # empty pairs, an empty name, a name without "="
]


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://test")


@pytest.mark.parametrize("query", QUERIES)
async def test_it_reads_and_refuses_as_fastapi_does(query: str) -> None:
    async with _client() as client:
        expected = await client.get(f"/fastapi?{query}")
        found = await client.get(f"/ours?{query}")

    assert found.status_code == expected.status_code
    assert found.json() == expected.json()


async def test_the_queries_cover_both_answers() -> None:
    async with _client() as client:
        statuses = {(await client.get(f"/ours?{query}")).status_code for query in QUERIES}
    assert statuses == {200, 422}


def _inlined(value: Any, components: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        if "$ref" in value:
            return _inlined(components[value["$ref"].rsplit("/", 1)[1]], components)
        return {k: _inlined(v, components) for k, v in value.items()}
    if isinstance(value, list):
        return [_inlined(v, components) for v in value]
    return value


def test_it_documents_the_parameters_fastapi_documents() -> None:
    spec = _app().openapi()
    components = spec.get("components", {}).get("schemas", {})
    expected = _inlined(spec["paths"]["/fastapi"]["get"]["parameters"], components)
    found = spec["paths"]["/ours"]["get"]["parameters"]

    assert [p["name"] for p in found] == ["q", "mode", "tag", "codes", "since", "limit"]
    assert found == expected
    assert found[1]["schema"]["enum"] == ["fast", "slow"]  # the enum inlined, not a $ref


@pytest.mark.parametrize("extra", ["forbid", "allow"])
def test_a_model_that_does_not_ignore_unknown_names_is_refused(extra: str) -> None:
    class Strict(Params):
        model_config = ConfigDict(extra=extra)  # type: ignore[typeddict-item]

    with pytest.raises(ValueError, match="ignores unknown names"):
        QueryModel(Strict)
