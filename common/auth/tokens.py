"""Bearer token verification against a JWKS, with key caching and rotation.

Keys are cached for ``jwks_cache_seconds``. A token signed with an unknown ``kid`` triggers one
refetch (at most every ``REFETCH_COOLDOWN_SECONDS``), so a provider's key rotation is picked up
at once while a flood of forged kids cannot turn into a flood of JWKS requests. Verified tokens
are remembered until they expire: the signature check is the costly part of a request.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

import httpx
import jwt
import structlog

from common.auth.dev_issuer import DevIssuer
from common.auth.principal import Principal, principal_from_claims
from common.errors import Unauthorized

ALLOWED_ALGORITHMS = ["ES256", "RS256", "PS256", "EdDSA"]
REFETCH_COOLDOWN_SECONDS = 30.0
VERIFIED_CACHE_SIZE = 10_000
MAX_TOKEN_BYTES = 8192

logger = structlog.get_logger("moea.auth")


class KeySource(Protocol):
    async def key_for(self, kid: str) -> jwt.PyJWK | None: ...


class StaticKeys:
    """Keys known in advance (the development issuer's)."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self._keys = {key["kid"]: jwt.PyJWK(key) for key in jwks["keys"]}

    async def key_for(self, kid: str) -> jwt.PyJWK | None:
        return self._keys.get(kid)


class JwksKeys:
    """Keys fetched from the identity provider's JWKS URL.

    One refresh at a time (a lock): when the cache goes stale under load, the requests waiting
    for keys share one fetch instead of each sending their own.
    """

    def __init__(
        self,
        url: str,
        client: httpx.AsyncClient,
        *,
        cache_seconds: float,
        refetch_cooldown_seconds: float = REFETCH_COOLDOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._client = client
        self._cache_seconds = cache_seconds
        self._cooldown_seconds = refetch_cooldown_seconds
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str) -> jwt.PyJWK | None:
        if self._needs_refresh(kid):
            async with self._lock:
                if self._needs_refresh(kid):  # another request may have refreshed meanwhile
                    await self._refresh()
        return self._keys.get(kid)

    def _needs_refresh(self, kid: str) -> bool:
        age = self._clock() - self._fetched_at
        stale = age > self._cache_seconds
        return stale or (kid not in self._keys and age > self._cooldown_seconds)

    async def _refresh(self) -> None:
        try:
            response = await self._client.get(self._url, timeout=5.0)
            response.raise_for_status()
            keys = _signing_keys(response.json())
        except (httpx.HTTPError, jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
            # Keep serving with the keys we had: an IdP hiccup must not log everyone out.
            logger.warning("jwks refresh failed", url=self._url, error=type(exc).__name__)
        else:
            self._keys = keys
        self._fetched_at = self._clock()


def _signing_keys(document: Any) -> dict[str, jwt.PyJWK]:
    """The usable signing keys of a JWKS; one key we cannot use does not void the others."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWKS document")
    keys: dict[str, jwt.PyJWK] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            key = jwt.PyJWK(entry)
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            logger.warning("jwks key skipped", kid=entry["kid"], error=type(exc).__name__)
            continue
        if key.algorithm_name in ALLOWED_ALGORITHMS:  # never an HMAC secret, say
            keys[entry["kid"]] = key
    if not keys:
        raise ValueError("JWKS holds no usable signing key")
    return keys


class TokenVerifier:
    def __init__(self, keys: KeySource, *, issuer: str, audience: str) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    @classmethod
    def for_dev_issuer(cls, issuer: DevIssuer) -> TokenVerifier:
        return cls(StaticKeys(issuer.jwks()), issuer=issuer.issuer, audience=issuer.audience)

    async def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None and remembered[1] > time.time():
            self._verified.move_to_end(token)
            return remembered[0]
        claims = await self._decode(token)
        principal = principal_from_claims(claims)
        self._remember(token, principal, float(claims["exp"]))
        return principal

    async def _decode(self, token: str) -> dict[str, Any]:
        if len(token) > MAX_TOKEN_BYTES:
            raise Unauthorized("token too large")
        try:
            header = jwt.get_unverified_header(token)
            key = await self._keys.key_for(str(header.get("kid", "")))
            if key is None:
                raise Unauthorized("token signed by an unknown key")
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=ALLOWED_ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
                leeway=30,
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {type(exc).__name__}") from exc
        return claims

    def _remember(self, token: str, principal: Principal, expires_at: float) -> None:
        self._verified[token] = (principal, expires_at)
        if len(self._verified) > VERIFIED_CACHE_SIZE:
            self._verified.popitem(last=False)
