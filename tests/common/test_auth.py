"""Auth at the edge: 401 for every kind of bad token, 403 for the wrong role, 404 for another
firm's record, role bindings enforced, and the JWKS key source (rotation, cooldown, outage)."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.ext.asyncio import AsyncEngine

from common.auth.dev_issuer import DevIssuer
from common.auth.principal import Role
from common.auth.tokens import JwksKeys, TokenVerifier
from common.errors import PROBLEM_MEDIA_TYPE, Unauthorized
from tests.common.edge_app import (
    edge_client,
    insert_records,
)

FIRM_A = "04595257"
FIRM_B = "22099131"
JWKS_URL = "https://idp.example.gov.tw/.well-known/jwks.json"
ISSUER = "https://idp.example.gov.tw"
AUDIENCE = "moea-cloud"
SHARED_SECRET = "a-guessable-shared-secret-of-32-bytes!"
SHARED_SECRET_B64 = base64.urlsafe_b64encode(SHARED_SECRET.encode()).decode().rstrip("=")


@pytest.fixture
async def records(scratch: AsyncEngine) -> dict[str, int]:
    """One record of firm A and one of firm B, by owner."""
    rows = [
        {"business_id": FIRM_A, "name": "A's filing", "qty": 1},
        {"business_id": FIRM_B, "name": "B's filing", "qty": 2},
    ]
    ids = await insert_records(scratch, rows)
    return {FIRM_A: ids[0], FIRM_B: ids[1]}


@pytest.fixture
async def client(
    settings_overrides: dict[str, Any], records: dict[str, int]
) -> AsyncIterator[httpx.AsyncClient]:
    async with edge_client(settings_overrides) as client:
        yield client


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["status"] == 401
    assert body["type"].endswith("/unauthorized")


def _claims(issuer: DevIssuer, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": issuer.issuer,
        "aud": issuer.audience,
        "sub": "firm-user",
        "role": "firm",
        "business_id": FIRM_A,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


def _sign(issuer: DevIssuer, key_path: Path, claims: dict[str, Any]) -> str:
    """Signed with the test issuer's real key and kid: only the claims are wrong."""
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": issuer.kid})


async def test_no_token_is_401_on_a_protected_route(
    client: httpx.AsyncClient, records: dict[str, int]
) -> None:
    _assert_unauthorized(await client.get(f"/records/{records[FIRM_A]}"))


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "Bearer eyJhbGciOiJFUzI1NiJ9.e30.",
        "Basic dXNlcjpwYXNz",
        "Bearer ",
        "Bearer " + "a" * 9000,
    ],
)
async def test_malformed_authorization_is_401(
    client: httpx.AsyncClient, records: dict[str, int], authorization: str
) -> None:
    response = await client.get(
        f"/records/{records[FIRM_A]}", headers={"Authorization": authorization}
    )
    _assert_unauthorized(response)


async def test_a_bad_token_is_401_even_on_a_public_route(client: httpx.AsyncClient) -> None:
    """A client that sends a token means to be someone; silently treating it as anonymous
    would hide its broken token behind public answers."""
    _assert_unauthorized(await client.get("/records", headers=_bearer("garbage")))


async def test_expired_token_is_401(
    client: httpx.AsyncClient, records: dict[str, int], dev_issuer: DevIssuer
) -> None:
    expired = dev_issuer.issue(Role.FIRM, business_id=FIRM_A, lifetime_seconds=-3600)
    _assert_unauthorized(await client.get(f"/records/{records[FIRM_A]}", headers=_bearer(expired)))


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "another-service"},
        {"iss": "https://evil.example"},
        {"sub": None},
        {"exp": None},
        {"role": "superuser"},
        {"role": "public"},
    ],
    ids=["wrong-audience", "wrong-issuer", "no-subject", "no-expiry", "unknown-role", "public"],
)
async def test_token_with_wrong_claims_is_401(
    client: httpx.AsyncClient,
    records: dict[str, int],
    dev_issuer: DevIssuer,
    dev_issuer_key_path: Path,
    changes: dict[str, Any],
) -> None:
    token = _sign(dev_issuer, dev_issuer_key_path, _claims(dev_issuer, **changes))
    _assert_unauthorized(await client.get(f"/records/{records[FIRM_A]}", headers=_bearer(token)))


async def test_token_from_an_unknown_key_is_401(
    client: httpx.AsyncClient, records: dict[str, int], dev_issuer: DevIssuer
) -> None:
    stranger = DevIssuer(
        ec.generate_private_key(ec.SECP256R1()),
        issuer=dev_issuer.issuer,
        audience=dev_issuer.audience,
    )
    token = stranger.issue(Role.FIRM, business_id=FIRM_A)
    _assert_unauthorized(await client.get(f"/records/{records[FIRM_A]}", headers=_bearer(token)))


async def test_token_of_a_stranger_claiming_our_kid_is_401(
    client: httpx.AsyncClient, records: dict[str, int], dev_issuer: DevIssuer
) -> None:
    forged_key = ec.generate_private_key(ec.SECP256R1())
    token = jwt.encode(
        _claims(dev_issuer), forged_key, algorithm="ES256", headers={"kid": dev_issuer.kid}
    )
    _assert_unauthorized(await client.get(f"/records/{records[FIRM_A]}", headers=_bearer(token)))


@pytest.mark.parametrize("algorithm", ["none", "HS256"])
async def test_unsigned_or_symmetric_token_is_401(
    client: httpx.AsyncClient, records: dict[str, int], dev_issuer: DevIssuer, algorithm: str
) -> None:
    key = "" if algorithm == "none" else SHARED_SECRET
    token = jwt.encode(
        _claims(dev_issuer), key, algorithm=algorithm, headers={"kid": dev_issuer.kid}
    )
    _assert_unauthorized(await client.get(f"/records/{records[FIRM_A]}", headers=_bearer(token)))


async def test_wrong_role_is_403(
    client: httpx.AsyncClient, records: dict[str, int], token: Callable[..., str]
) -> None:
    response = await client.get(
        f"/records/{records[FIRM_A]}", headers=_bearer(token("surveyor", county="63000"))
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["type"].endswith("/forbidden")


async def test_a_firm_reads_its_own_record(
    client: httpx.AsyncClient, records: dict[str, int], token: Callable[..., str]
) -> None:
    response = await client.get(
        f"/records/{records[FIRM_A]}", headers=_bearer(token("firm", business_id=FIRM_A))
    )
    assert response.status_code == 200
    assert response.json()["business_id"] == FIRM_A


def _without_instance(problem: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in problem.items() if name != "instance"}


async def test_a_firm_cannot_read_another_firms_record(
    client: httpx.AsyncClient, records: dict[str, int], token: Callable[..., str]
) -> None:
    firm_a = _bearer(token("firm", business_id=FIRM_A))
    other = await client.get(f"/records/{records[FIRM_B]}", headers=firm_a)
    missing = await client.get(f"/records/{records[FIRM_B] + 1000}", headers=firm_a)
    assert other.status_code == 404
    assert other.headers["content-type"] == PROBLEM_MEDIA_TYPE
    # Indistinguishable from a record that does not exist: nothing to probe.
    assert _without_instance(other.json()) == _without_instance(missing.json())


async def test_an_officer_reads_any_firms_record(
    client: httpx.AsyncClient, records: dict[str, int], token: Callable[..., str]
) -> None:
    officer = _bearer(token("officer", agency="IDA"))
    response = await client.get(f"/records/{records[FIRM_B]}", headers=officer)
    assert response.status_code == 200
    assert response.json()["business_id"] == FIRM_B


@pytest.mark.parametrize(
    ("role", "bindings"),
    [
        ("firm", {}),
        ("firm", {"business_id": "1234567"}),
        ("firm", {"business_id": "0459525７"}),
        ("officer", {}),
        ("officer", {"agency": "ida"}),
        ("surveyor", {}),
        ("surveyor", {"county": "6300"}),
        ("surveyor", {"county": "63000\n"}),
        ("surveyor", {"county": "٦٣٠٠٠"}),
        ("surveyor", {"county": "Taipei"}),
    ],
)
async def test_role_without_a_valid_binding_is_refused(
    client: httpx.AsyncClient,
    records: dict[str, int],
    dev_issuer: DevIssuer,
    dev_issuer_key_path: Path,
    role: str,
    bindings: dict[str, str],
) -> None:
    claims = _claims(dev_issuer, **{"role": role, "business_id": None, **bindings})
    token = _sign(dev_issuer, dev_issuer_key_path, claims)
    _assert_unauthorized(await client.get(f"/records/{records[FIRM_A]}", headers=_bearer(token)))


async def test_an_officer_token_naming_a_business_is_not_bound_to_it(
    dev_issuer: DevIssuer,
) -> None:
    verifier = TokenVerifier.for_dev_issuer(dev_issuer)
    token = dev_issuer.issue(Role.OFFICER, agency="IDA", business_id=FIRM_A)
    principal = await verifier.verify(token)
    assert principal.role is Role.OFFICER
    assert principal.agency == "IDA"
    assert principal.business_id is None


# --- The JWKS key source, against a mocked identity provider (a third party) -----------------


class IdentityProvider:
    """A JWKS endpoint whose keys, availability and request count the test controls."""

    def __init__(self) -> None:
        self.signers: list[DevIssuer] = [self.new_signer()]
        self.requests = 0
        self.down = False

    @staticmethod
    def new_signer() -> DevIssuer:
        key = ec.generate_private_key(ec.SECP256R1())
        return DevIssuer(key, issuer=ISSUER, audience=AUDIENCE)

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == JWKS_URL
        self.requests += 1
        if self.down:
            return httpx.Response(503, text="maintenance")
        keys = [key for signer in self.signers for key in signer.jwks()["keys"]]
        return httpx.Response(200, json={"keys": keys})

    def token(self, signer: DevIssuer | None = None) -> str:
        return (signer or self.signers[0]).issue(Role.FIRM, business_id=FIRM_A)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def idp() -> IdentityProvider:
    return IdentityProvider()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def verifier(idp: IdentityProvider, clock: Clock) -> AsyncIterator[TokenVerifier]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(idp.handle)) as http:
        keys = JwksKeys(JWKS_URL, http, cache_seconds=300, clock=clock)
        yield TokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE)


async def test_jwks_token_verifies_and_keys_are_cached(
    verifier: TokenVerifier, idp: IdentityProvider
) -> None:
    first = await verifier.verify(idp.token())
    second = await verifier.verify(idp.token())
    assert first.business_id == second.business_id == FIRM_A
    assert idp.requests == 1


async def test_key_rotation_triggers_one_refetch_and_verifies(
    verifier: TokenVerifier, idp: IdentityProvider, clock: Clock
) -> None:
    await verifier.verify(idp.token())
    rotated = idp.new_signer()
    idp.signers = [rotated]
    clock.now += 31  # past the refetch cooldown, well within the cache lifetime
    principal = await verifier.verify(idp.token(rotated))
    assert principal.role is Role.FIRM
    assert idp.requests == 2


async def test_a_flood_of_unknown_kids_does_not_flood_the_idp(
    verifier: TokenVerifier, idp: IdentityProvider, clock: Clock
) -> None:
    await verifier.verify(idp.token())
    clock.now += 31
    for _ in range(50):
        with pytest.raises(Unauthorized):
            await verifier.verify(idp.token(idp.new_signer()))
    assert idp.requests == 2  # the first unknown kid refetched; the cooldown held the rest


async def test_concurrent_requests_share_one_jwks_fetch(
    verifier: TokenVerifier, idp: IdentityProvider
) -> None:
    tokens = [idp.signers[0].issue(Role.FIRM, business_id=FIRM_A) for _ in range(20)]
    principals = await asyncio.gather(*(verifier.verify(token) for token in tokens))
    assert {principal.business_id for principal in principals} == {FIRM_A}
    assert idp.requests == 1


async def test_idp_outage_keeps_the_old_keys(
    verifier: TokenVerifier, idp: IdentityProvider, clock: Clock
) -> None:
    await verifier.verify(idp.token())
    idp.down = True
    clock.now += 301  # the cache is stale: the next request tries to refresh and fails
    principal = await verifier.verify(idp.token())
    assert principal.business_id == FIRM_A
    assert idp.requests == 2


async def test_a_jwks_with_one_unusable_key_keeps_the_usable_ones(clock: Clock) -> None:
    signer = IdentityProvider.new_signer()

    def handle(_: httpx.Request) -> httpx.Response:
        junk = [
            {"kid": "enc", "kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"},
            {"kid": "broken", "kty": "EC", "crv": "P-256", "x": "!!", "y": "!!"},
            {"kid": "hmac", "kty": "oct", "k": SHARED_SECRET_B64, "alg": "HS256"},
            "not-a-key",
        ]
        return httpx.Response(200, json={"keys": [*junk, *signer.jwks()["keys"]]})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
        verifier = TokenVerifier(
            JwksKeys(JWKS_URL, http, cache_seconds=300, clock=clock),
            issuer=ISSUER,
            audience=AUDIENCE,
        )
        principal = await verifier.verify(signer.issue(Role.FIRM, business_id=FIRM_A))
        assert principal.business_id == FIRM_A
        hmac_token = jwt.encode(
            {
                "iss": ISSUER,
                "aud": AUDIENCE,
                "sub": "x",
                "role": "admin",
                "iat": int(time.time()),
                "exp": int(time.time()) + 60,
            },
            SHARED_SECRET,
            algorithm="HS256",
            headers={"kid": "hmac"},
        )
        with pytest.raises(Unauthorized):
            await verifier.verify(hmac_token)
