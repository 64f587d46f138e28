"""A model of query parameters, read in one validation instead of FastAPI's field-by-field pass.

FastAPI reads an ``Annotated[Model, Query()]`` parameter field by field (an alias lookup, a
multidict read and a sequence check each) before pydantic validates the model: 60 µs a request
for the trademark search's thirteen fields, a quarter of the cost of a cached search. A route
that declares ``QueryModel(Model).openapi`` as its ``openapi_extra`` and calls ``read(request)``
gets the same model, the same 422 problem (``RequestValidationError``, each ``loc`` starting
with ``"query"``) and the same documented parameters (FastAPI's own, for the same model) at a
fifteenth of that cost.

What it reads as FastAPI does: a list field takes every value of its name (none: its default),
any other field the last one; names the model does not know are ignored, so models that forbid
or keep extra fields are refused here.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import parse_qsl

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ValidationError

__all__ = ["QueryModel"]

Model = TypeVar("Model", bound=BaseModel)

_REF_PREFIX = "#/components/schemas/"


def _is_list(annotation: Any) -> bool:
    """``list[X]``, optional or not (what FastAPI reads with ``getlist``)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_list(arg) for arg in typing.get_args(annotation) if arg is not type(None))
    return typing.get_origin(annotation) in (list, tuple, set, frozenset)


def _inlined(schema: Any, components: dict[str, Any]) -> Any:
    """``schema`` with every ``$ref`` to a component replaced by the component itself: a
    route's parameters cannot add components to the app's schema."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
            return _inlined(components[ref.removeprefix(_REF_PREFIX)], components)
        return {key: _inlined(value, components) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inlined(item, components) for item in schema]
    return schema


def _documented_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The parameters FastAPI documents for ``Annotated[model, Query()]``."""
    app = FastAPI()

    def endpoint(params: BaseModel) -> None:
        """Declares the model as the real route would (the annotation set below: this module's
        postponed annotations would leave FastAPI a string naming a local)."""

    endpoint.__annotations__ = {"params": Annotated[model, Query()], "return": None}
    app.get("/")(endpoint)
    spec = get_openapi(title="query model", version="0", routes=app.routes)
    parameters: list[dict[str, Any]] = spec["paths"]["/"]["get"]["parameters"]
    return [_inlined(p, spec.get("components", {}).get("schemas", {})) for p in parameters]


class QueryModel(Generic[Model]):
    """Reads ``model`` from a request's query string (see the module's docstring)."""

    def __init__(self, model: type[Model]) -> None:
        if model.model_config.get("extra") in ("allow", "forbid"):
            raise ValueError(f"{model.__name__}: a query model here ignores unknown names")
        self.model = model
        fields = model.model_fields.items()
        self._lists = frozenset(
            field.alias or n for n, field in fields if _is_list(field.annotation)
        )
        self._names = frozenset(field.alias or name for name, field in fields)
        self.openapi: dict[str, Any] = {"parameters": _documented_parameters(model)}
        """The route's ``openapi_extra``: the model's fields as query parameters."""

    def read(self, request: Request) -> Model:
        """The model of ``request``'s query string; a ``RequestValidationError`` if invalid."""
        # The query string's pairs as Starlette's QueryParams parses them, read in one pass:
        # building that multidict and asking it for each field cost twice this.
        pairs = parse_qsl(request.scope["query_string"].decode("latin-1"), keep_blank_values=True)
        lists = self._lists
        names = self._names
        values: dict[str, Any] = {}
        for name, value in pairs:
            if name in lists:
                values.setdefault(name, []).append(value)
            elif name in names:
                values[name] = value  # the last one, as FastAPI reads a single value
        try:
            return self.model.model_validate(values)
        except ValidationError as invalid:
            errors = [
                {**error, "loc": ("query", *error["loc"])}
                for error in invalid.errors(include_url=False)
            ]
            raise RequestValidationError(errors) from None
