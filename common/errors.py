"""RFC 9457 problem details for every error a service returns.

Error tree (raise these from services; endpoints never build responses by hand)::

    ProblemError
    ├── BadRequest               400
    ├── Unauthorized             401  (adds WWW-Authenticate: Bearer)
    ├── Forbidden                403
    ├── NotFound                 404
    ├── Conflict                 409
    ├── PreconditionFailed       412
    ├── PreconditionRequired     428
    ├── PayloadTooLarge          413
    ├── UnprocessableContent     422
    ├── TooManyRequests          429  (adds Retry-After)
    └── ServiceUnavailable       503

Any other exception is a bug: ``common.error_boundary`` logs it and answers a 500
``internal-error`` problem that names the request id and nothing of the exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

import orjson
import structlog
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Scope

from common.observability.request_context import request_id_of

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://moea-cloud.example/problems/"

logger = structlog.get_logger("moea.errors")


class FieldProblem(BaseModel):
    """One invalid input: where it is and what is wrong with it."""

    loc: list[str | int] = Field(description="Path to the field, e.g. ['body', 'items', 0, 'qty']")
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(description="URI identifying the problem kind")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] | None = None
    request_id: str | None = Field(
        default=None, description="On a 500: the id to quote to support (also X-Request-ID)"
    )


class ProblemError(Exception):
    """Base of every error a service raises on purpose."""

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldProblem] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.headers = dict(headers or {})

    @property
    def title(self) -> str:
        return HTTPStatus(self.status).phrase


class BadRequest(ProblemError):
    status, slug = 400, "bad-request"


class Unauthorized(ProblemError):
    status, slug = 401, "unauthorized"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(ProblemError):
    status, slug = 403, "forbidden"


class NotFound(ProblemError):
    status, slug = 404, "not-found"


class Conflict(ProblemError):
    status, slug = 409, "conflict"


class Gone(ProblemError):
    """The resource existed and was deliberately removed (e.g. past its retention period)."""

    status, slug = 410, "gone"


class PreconditionFailed(ProblemError):
    status, slug = 412, "precondition-failed"


class PayloadTooLarge(ProblemError):
    status, slug = 413, "payload-too-large"


class UnprocessableContent(ProblemError):
    status, slug = 422, "unprocessable-content"


class PreconditionRequired(ProblemError):
    status, slug = 428, "precondition-required"


class TooManyRequests(ProblemError):
    status, slug = 429, "too-many-requests"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            "rate limit exceeded", headers={"Retry-After": str(max(retry_after_seconds, 1))}
        )


class ServiceUnavailable(ProblemError):
    status, slug = 503, "service-unavailable"


_PROBLEM_CLASSES: list[type[ProblemError]] = [ProblemError, *ProblemError.__subclasses__()]
_SLUG_BY_STATUS = {cls.status: cls.slug for cls in _PROBLEM_CLASSES}


def problem_response(
    status: int,
    *,
    detail: str | None = None,
    instance: str | None = None,
    errors: Sequence[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
    slug: str | None = None,
    request_id: str | None = None,
) -> Response:
    """Render a problem document; the one place problem JSON is built.

    ``slug`` names the problem type; by default the platform's type for the status.
    """
    slug = slug or _SLUG_BY_STATUS.get(status, "http-error")
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": _title(status),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = [error.model_dump() for error in errors]
    if request_id:
        body["request_id"] = request_id
    return Response(
        orjson.dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # a status code outside the registry, e.g. from a proxy convention
        return "Error"


def _instance(request: Request) -> str:
    return request.url.path


def deliberate_problem(exc: ProblemError | StarletteHTTPException, instance: str) -> Response:
    """The problem document of an error raised on purpose, with the status it names."""
    if isinstance(exc, ProblemError):
        return problem_response(
            exc.status,
            detail=exc.detail,
            instance=instance,
            errors=exc.errors,
            headers=exc.headers,
            slug=exc.slug,  # a service's own ProblemError subclass names its own type
        )
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem_response(exc.status_code, detail=detail, instance=instance, headers=exc.headers)


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return deliberate_problem(exc, _instance(request))


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return deliberate_problem(exc, _instance(request))


def _field_problem(error: Mapping[str, Any]) -> FieldProblem:
    loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
    return FieldProblem(loc=loc, msg=str(error.get("msg", "")), type=str(error.get("type", "")))


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return problem_response(
        422,
        detail="the request has invalid fields",
        instance=_instance(request),
        errors=[_field_problem(error) for error in exc.errors()],
    )


# SQLSTATE classes that mean "the input was unacceptable", not "we are broken":
# 22 data exception (NUL bytes, out-of-range numbers, bad encodings), 23 integrity violations.
_CLIENT_SQLSTATE_CLASSES = ("22", "23")
# A duplicate key or an overlapping exclusion: the request conflicts with what is stored.
_CONFLICT_SQLSTATES = frozenset({"23505", "23P01"})
# Transient: connection lost (08), serialization failure or deadlock (40), out of resources
# (53), shutdown or cancelled statement (57). The same request may well succeed in a moment.
_TRANSIENT_SQLSTATE_CLASSES = ("08", "40", "53", "57")
RETRY_AFTER_SECONDS = "1"


def _sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", "") or "")


def _database_unavailable(request: Request, reason: str) -> Response:
    logger.warning("database unavailable", error=reason)
    return problem_response(
        503,
        detail="database unavailable",
        instance=_instance(request),
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


async def _on_database_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DBAPIError)
    sqlstate = _sqlstate(exc)
    transient = sqlstate[:2] in _TRANSIENT_SQLSTATE_CLASSES
    if (
        transient
        or isinstance(exc, OperationalError | InterfaceError)
        or exc.connection_invalidated
    ):
        return _database_unavailable(request, sqlstate or type(exc.orig).__name__)
    if sqlstate in _CONFLICT_SQLSTATES:
        detail = "the request conflicts with a stored record"
        return problem_response(409, detail=detail, instance=_instance(request))
    if sqlstate[:2] in _CLIENT_SQLSTATE_CLASSES:
        return problem_response(
            422, detail="a value is not acceptable", instance=_instance(request)
        )
    # A bug, not a client or an outage: on to the error boundary, which logs and counts it.
    raise exc


async def _on_pool_timeout(request: Request, exc: Exception) -> Response:
    """Every pooled connection busy for ``pool_timeout``: overload, not a bug."""
    return _database_unavailable(request, type(exc).__name__)


async def _on_connection_error(request: Request, exc: Exception) -> Response:
    logger.warning("backing service unavailable", error=type(exc).__name__)
    return problem_response(
        503,
        detail="a backing service is unavailable",
        instance=_instance(request),
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


def internal_error_response(scope: Scope) -> Response:
    """The 500 of an exception nobody handled: it names the request id to quote to support and
    nothing of the exception (its text may hold a DSN, a query, personal data)."""
    return problem_response(500, instance=scope["path"], request_id=request_id_of(scope))


def log_unhandled(scope: Scope, exc: BaseException) -> None:
    # Looked up per call, not cached at import: it follows the current logging configuration.
    structlog.get_logger("moea.errors").error("unhandled error", exc_info=exc, path=scope["path"])


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    """Only for what fails outside the error boundary (``common.error_boundary``)."""
    log_unhandled(request.scope, exc)
    return internal_error_response(request.scope)


def install_problem_handlers(app: Starlette) -> None:
    """Every error leaves the service (or the all-in-one app) as application/problem+json."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(DBAPIError, _on_database_error)
    app.add_exception_handler(PoolTimeout, _on_pool_timeout)
    app.add_exception_handler(ConnectionError, _on_connection_error)
    app.add_exception_handler(OSError, _on_connection_error)
    app.add_exception_handler(Exception, _on_unexpected)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": description}
    for status, description in (
        (400, "Malformed request"),
        (401, "Missing or invalid bearer token"),
        (403, "Authenticated but not allowed"),
        (404, "No such record, or not yours"),
        (409, "Conflicts with the stored state"),
        (413, "Body too large"),
        (422, "Invalid input"),
        (429, "Rate limit exceeded"),
        (500, "An unexpected error; quote its request_id to support"),
        (503, "A backing service is unavailable"),
    )
}
"""Documented on every route by the app factory, so clients see the problem shape."""


def documented_problem(description: str) -> dict[str, Any]:
    """A ``responses=`` entry for a route's own error status, answered as a problem document."""
    return {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": description}


PRECONDITION_RESPONSES: dict[int | str, dict[str, Any]] = {
    412: documented_problem("If-Match names a version that is no longer current"),
    428: documented_problem("If-Match is required and was not sent"),
}
"""Add to ``responses=`` of a route that updates a versioned resource under If-Match."""
