"""Pure ASGI authentication: a verified principal in ``scope['state']`` before routing.

Doing this at the edge (not in a dependency) lets the rate limiter give authenticated clients
their own budget. A request without a token is the public principal; a bad token is a 401.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from common.auth.principal import ANONYMOUS, Principal
from common.auth.tokens import TokenVerifier
from common.errors import Unauthorized, problem_response


def principal_of(scope: Scope) -> Principal:
    principal = (scope.get("state") or {}).get("principal")
    return principal if isinstance(principal, Principal) else ANONYMOUS


class AuthenticationMiddleware:
    def __init__(self, app: ASGIApp, *, verifier: TokenVerifier) -> None:
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            principal = await self._authenticate(scope)
        except Unauthorized as exc:
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
