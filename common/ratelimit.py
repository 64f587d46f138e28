"""Rate limits at the edge: per client IP for anonymous callers, per subject for authenticated,
or per whatever client a service's ``BudgetResolver`` recognises (e.g. an API key).

Pure ASGI, installed inside ``AuthenticationMiddleware`` so the principal is already known.
Counting lives in ``common.rate_counter``: shared in Redis so all replicas hold one budget,
batched so a client far below its budget costs no round trip, exact near the limit, and local
while Redis is down so public endpoints keep answering.

Every limited response carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (seconds, IETF draft style); a refused one is a 429 problem with
``Retry-After``.

Failed authentication is refused here, not before: a bad bearer token (left by
``AuthenticationMiddleware``) or a client the ``BudgetResolver`` refuses (an unknown API key)
counts against the caller's default budget, per IP address, so neither tokens nor keys can be
guessed without limit. Every path checks a bearer token, so a bad one counts even on the paths
that are otherwise unlimited: else those would answer "is this token valid?" for free.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv6Address, ip_address, ip_network

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from redis.asyncio import Redis
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.asgi_headers import RawHeaders, set_headers
from common.auth.middleware import principal_of, refusal_of
from common.docs import DOCS_ASSETS_PATH
from common.errors import ProblemError, problem_response
from common.rate_counter import BatchedCounter, Decision, FailoverStorage
from common.settings import ServiceSettings

__all__ = [
    "BatchedCounter",
    "BudgetResolver",
    "ClientBudget",
    "Decision",
    "FailoverStorage",
    "RateLimitMiddleware",
    "TrustedProxies",
    "client_ip",
    "redis_storage",
]

EXEMPT_PATHS = frozenset(
    {"/livez", "/healthz", "/readyz", "/metrics", "/docs", "/docs/oauth2-redirect", "/openapi.json"}
)
EXEMPT_PREFIXES = (f"{DOCS_ASSETS_PATH}/",)
# Parsing an address costs more than the rest of a rate check, and the same clients and proxies
# come back all day: what is derived from an address alone is memoised (bounded, LRU).
ADDRESS_MEMO_SIZE = 4096


class TrustedProxies:
    """Addresses or networks (``10.0.0.0/8``) whose ``X-Forwarded-For`` we believe."""

    def __init__(self, entries: Sequence[str]) -> None:
        self.networks = [ip_network(entry, strict=False) for entry in entries]
        self._verdict: Callable[[str], bool] = lru_cache(maxsize=ADDRESS_MEMO_SIZE)(self._judge)

    def trusts(self, address: str) -> bool:
        return self._verdict(address)

    def _judge(self, address: str) -> bool:
        try:
            parsed = ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self.networks)


def client_ip(scope: Scope, trusted: TrustedProxies) -> str:
    """The peer, or from a trusted peer the right-most untrusted ``X-Forwarded-For`` address.

    Walking from the right, each trusted hop vouches for the entry to its left; the first hop
    we do not trust is the client. Anything further left was written by the client itself.
    """
    client = scope.get("client")
    candidate: str = client[0] if client else "unknown"
    if not trusted.trusts(candidate):
        return candidate
    for hop in reversed(_forwarded_for(scope)):
        if not _is_ip(hop):
            break  # a malformed entry: keep the last address a trusted hop gave us
        candidate = hop
        if not trusted.trusts(hop):
            break
    return candidate


def _forwarded_for(scope: Scope) -> list[str]:
    values = [
        value.decode("latin-1") for name, value in scope["headers"] if name == b"x-forwarded-for"
    ]
    return [hop.strip() for value in values for hop in value.split(",") if hop.strip()]


@lru_cache(maxsize=ADDRESS_MEMO_SIZE)
def _is_ip(value: str) -> bool:
    try:
        ip_address(value)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=ADDRESS_MEMO_SIZE)
def _ip_identity(address: str) -> str:
    """IPv6 clients get a /64 each: one subscriber can rotate through a whole /64 at will."""
    try:
        parsed = ip_address(address)
    except ValueError:
        return f"ip:{address}"
    if isinstance(parsed, IPv6Address):
        if parsed.ipv4_mapped is not None:
            return f"ip:{parsed.ipv4_mapped}"
        return f"ip:{ip_network((parsed, 64), strict=False)}"
    return f"ip:{parsed}"


@dataclass(frozen=True, slots=True)
class ClientBudget:
    """Whom a request is counted against, and how many requests that client may make."""

    identity: str  # e.g. "key:17"; prefixed so it never collides with "ip:..." or "sub:..."
    limit: RateLimitItem


BudgetResolver = Callable[[Scope], Awaitable[ClientBudget | None]]
"""A service's own kind of client (e.g. API keys): its budget, or None for the default one
(per user, else per IP address). Raising ``ProblemError`` refuses the request (e.g. an unknown
key: 401) after counting it against the default budget, so refusals are rate-limited too."""


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: ServiceSettings,
        budget_resolver: BudgetResolver | None = None,
    ) -> None:
        self.app = app
        self.budget_resolver = budget_resolver
        self.anonymous = parse(settings.rate_limit_anonymous)
        self.authenticated = parse(settings.rate_limit_authenticated)
        self.trusted = TrustedProxies(settings.trusted_proxies)
        self.namespace = settings.service_name
        self.redis_url = settings.redis_url
        self._limiter: BatchedCounter | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (_is_exempt(scope) and refusal_of(scope) is None):
            await self.app(scope, receive, send)
            return
        item, identity, refusal = await self._resolve(scope)
        decision = await self._limiter_for(scope).hit(item, self.namespace, identity)
        if not decision.allowed:
            retry_after = str(max(decision.reset_seconds, 1))
            response = problem_response(
                429,
                detail="rate limit exceeded; retry after the number of seconds in Retry-After",
                instance=scope["path"],
                headers={**decision.headers(), "Retry-After": retry_after},
            )
            await response(scope, receive, send)
            return
        if refusal is not None:
            headers = {**decision.headers(), **refusal.headers}
            response = problem_response(
                refusal.status,
                detail=refusal.detail,
                instance=scope["path"],
                headers=headers,
                slug=refusal.slug,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, _with_headers(send, decision.raw_headers()))

    async def _resolve(self, scope: Scope) -> tuple[RateLimitItem, str, ProblemError | None]:
        """The service's own budget for this client, else the default; and any refusal."""
        item, identity = self._budget(scope)
        refused_token = refusal_of(scope)  # its principal is the public one: the IP pays
        if refused_token is not None or self.budget_resolver is None:
            return item, identity, refused_token
        try:
            own = await self.budget_resolver(scope)
        except ProblemError as refusal:
            return item, identity, refusal
        return (item, identity, None) if own is None else (own.limit, own.identity, None)

    def _budget(self, scope: Scope) -> tuple[RateLimitItem, str]:
        principal = principal_of(scope)
        if principal.is_anonymous:
            return self.anonymous, _ip_identity(client_ip(scope, self.trusted))
        return self.authenticated, f"sub:{principal.subject}"

    def _limiter_for(self, scope: Scope) -> BatchedCounter:
        # Built on first use: the app's Redis client exists only once its lifespan has started.
        # Kept on app.state so the lifespan can push the last increments at shutdown.
        if self._limiter is None:
            state = scope["app"].state if "app" in scope else None
            redis = getattr(state, "redis", None)
            primary = redis_storage(redis, self.redis_url) if redis is not None else None
            self._limiter = BatchedCounter(FailoverStorage(primary, MemoryStorage()))
            if state is not None:
                state.rate_counter = self._limiter
        return self._limiter


def redis_storage(redis: Redis, redis_url: str, *, key_prefix: str = "moea:ratelimit") -> Storage:
    """Counters on ``redis``'s connection pool: its short timeouts, closed with the client."""
    return RedisStorage(
        _storage_uri(redis_url),
        implementation="redispy",
        key_prefix=key_prefix,
        # limits types **options as scalars, yet documents and accepts a connection pool.
        connection_pool=redis.connection_pool,  # type: ignore[arg-type]
    )


def _storage_uri(redis_url: str) -> str:
    if redis_url.startswith("unix://"):
        return "async+redis+unix://" + redis_url.removeprefix("unix://")
    return f"async+{redis_url}"


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _is_exempt(scope: Scope) -> bool:
    path = _route_path(scope)
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)


def _with_headers(send: Send, headers: RawHeaders) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            set_headers(message, headers)
        await send(message)

    return send_with_headers
