"""Failed authentication counts against the caller's IP budget: guessing tokens is limited.

The scratch app of ``test_ratelimit`` (3 anonymous requests a day per IP, 5 per subject).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from common.auth.dev_issuer import DevIssuer
from common.auth.principal import Role
from common.errors import PROBLEM_MEDIA_TYPE
from tests.common.test_ratelimit import LIMITS, MANIFEST, PEER

ClientFactory = Callable[..., Any]
ATTACKER = {"X-Forwarded-For": "203.0.113.66"}
BYSTANDER = {"X-Forwarded-For": "203.0.113.77"}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _bad_tokens(issuer: DevIssuer) -> list[str]:
    """A forged signature under our kid, an expired token, an unknown key, and garbage."""
    forged = jwt.encode(
        {"sub": "x", "role": "admin", "iss": issuer.issuer, "aud": issuer.audience},
        ec.generate_private_key(ec.SECP256R1()),
        algorithm="ES256",
        headers={"kid": issuer.kid},
    )
    expired = issuer.issue(Role.ADMIN, lifetime_seconds=-3600)
    stranger = DevIssuer(
        ec.generate_private_key(ec.SECP256R1()), issuer=issuer.issuer, audience=issuer.audience
    ).issue(Role.ADMIN)
    return [forged, expired, stranger, "garbage"]


async def test_bad_tokens_are_401s_until_the_ip_budget_is_spent_then_429(
    service_client_factory: ClientFactory, dev_issuer: DevIssuer
) -> None:
    forged, expired, stranger, garbage = _bad_tokens(dev_issuer)
    async with service_client_factory(MANIFEST, **LIMITS, trusted_proxies=[PEER]) as client:
        refused = [
            await client.get("/ping", headers={**ATTACKER, **_bearer(token)})
            for token in (forged, expired, stranger)
        ]
        limited = await client.get("/ping", headers={**ATTACKER, **_bearer(garbage)})
        anonymous = await client.get("/ping", headers=ATTACKER)

    assert [response.status_code for response in refused] == [401, 401, 401]
    assert refused[0].headers["www-authenticate"] == "Bearer"
    assert [response.headers["ratelimit-remaining"] for response in refused] == ["2", "1", "0"]
    assert limited.status_code == 429
    assert limited.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert limited.json()["status"] == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert anonymous.status_code == 429  # the guesses were that address's budget


async def test_a_valid_token_from_another_ip_is_unaffected(
    service_client_factory: ClientFactory, dev_issuer: DevIssuer, token: Callable[..., str]
) -> None:
    valid = _bearer(token("firm", business_id="04595257"))
    async with service_client_factory(MANIFEST, **LIMITS, trusted_proxies=[PEER]) as client:
        for bad in _bad_tokens(dev_issuer):
            await client.get("/ping", headers={**ATTACKER, **_bearer(bad)})
        assert (await client.get("/ping", headers=ATTACKER)).status_code == 429
        bystander = await client.get("/ping", headers={**BYSTANDER, **valid})
        anonymous_bystander = await client.get("/ping", headers=BYSTANDER)

    assert bystander.status_code == 200
    assert bystander.headers["ratelimit-remaining"] == "4"  # its subject's own budget
    assert anonymous_bystander.status_code == 200


async def test_bad_tokens_count_on_unlimited_paths_too(
    service_client_factory: ClientFactory,
) -> None:
    """Health and docs paths take no budget, but a token sent there is still checked: guesses
    made there must count, or /livez would be a free oracle for tokens."""
    async with service_client_factory(MANIFEST, **LIMITS) as client:
        refused = [await client.get("/livez", headers=_bearer("garbage")) for _ in range(3)]
        limited = await client.get("/livez", headers=_bearer("garbage"))
        plain = await client.get("/livez")

    assert [response.status_code for response in refused] == [401, 401, 401]
    assert limited.status_code == 429
    assert plain.status_code == 200  # the path itself stays unlimited
