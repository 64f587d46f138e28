"""Pure ASGI authentication: a verified principal in ``scope['state']`` before routing.

Doing this at the edge (not in a dependency) lets the rate limiter give authenticated clients
their own budget. A request without a token is the public principal; a bad token is a 401.

With ``defer_refusals`` (the app factory sets it, with ``RateLimitMiddleware`` right inside) a
bad token is not answered here: the request goes on as the public principal carrying its
refusal, and the rate limiter counts it against the caller's IP budget before answering the
401 (or the 429 once that budget is spent), so guessing tokens costs budget like any request.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from common.auth.principal import ANONYMOUS, Principal
from common.auth.tokens import TokenVerifier
from common.errors import Unauthorized, problem_response

_REFUSAL = "auth_refusal"


def principal_of(scope: Scope) -> Principal:
    principal = (scope.get("state") or {}).get("principal")
    return principal if isinstance(principal, Principal) else ANONYMOUS


def refusal_of(scope: Scope) -> Unauthorized | None:
    """The 401 a deferring ``AuthenticationMiddleware`` left for the rate limiter to answer."""
    refusal = (scope.get("state") or {}).get(_REFUSAL)
    return refusal if isinstance(refusal, Unauthorized) else None


class AuthenticationMiddleware:
    def __init__(
        self, app: ASGIApp, *, verifier: TokenVerifier, defer_refusals: bool = False
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.defer_refusals = defer_refusals

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            principal = await self._authenticate(scope)
        except Unauthorized as exc:
            if self.defer_refusals:
                scope.setdefault("state", {}).update({"principal": ANONYMOUS, _REFUSAL: exc})
                await self.app(scope, receive, send)
                return
            response = problem_response(
                401, detail=exc.detail, instance=scope["path"], headers=exc.headers
            )
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    async def _authenticate(self, scope: Scope) -> Principal:
        authorization = _header(scope, b"authorization")
        if authorization is None:
            return ANONYMOUS
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("use the Bearer scheme")
        return await self.verifier.verify(token.strip())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None
