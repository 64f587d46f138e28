"""Public checks: normalised ids, cache and ETag, suspension shows at once, signed documents."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from inspection.app import MANIFEST
from inspection.domain.signed_status import InvalidStatusDocument, verify_status_document
from inspection.settings import InspectionSettings
from tests.inspection.conftest import FIRM_A, SettableClock
from tests.inspection.test_certificates_api import CERTIFICATE, issue


async def cached_keys(redis_url: str) -> list[bytes]:
    redis: Redis = Redis.from_url(redis_url)
    try:
        return sorted(await redis.keys("cache:inspection:check:*"))
    finally:
        await redis.aclose()


async def test_check_normalises_the_number_and_serves_from_cache(
    api: httpx.AsyncClient, officer: dict[str, str], redis_url: str
) -> None:
    number = (await issue(api, officer))["number"]
    typed = f"{number[:2].lower()}-{number[2:5]}-{number[5:]}"  # rc-114-000001
    first = await api.get(f"/public-checks/certificate/{typed}")
    assert first.status_code == 200
    body = first.json()
    assert body["id"] == number
    assert (body["status"], body["valid"], body["holder"]) == (
        "valid",
        True,
        CERTIFICATE["holder_name"],
    )
    assert (body["valid_from"], body["valid_until"]) == ("2025-01-01", "2027-12-31")
    expected_key = f"cache:inspection:check:v1:certificate:{number}:2025-03-03"
    assert await cached_keys(redis_url) == [expected_key.encode()]
    again = await api.get(
        f"/public-checks/certificate/{number}", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert "max-age=0" in first.headers["Cache-Control"]


async def test_a_suspended_certificate_reads_suspended_immediately(
    api: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    number = (await issue(api, officer))["number"]
    warm = await api.get(f"/public-checks/certificate/{number}")
    assert warm.json()["status"] == "valid"
    await api.post(
        f"/certificates/{number}/actions/suspend", json={"reason": "recall"}, headers=officer
    )
    after = await api.get(f"/public-checks/certificate/{number}")
    assert after.json()["status"] == "suspended"
    assert after.json()["valid"] is False
    assert after.headers["ETag"] != warm.headers["ETag"]


async def test_a_suspension_on_one_replica_shows_on_another_at_once(
    service_client_factory: Callable[..., Any], clock: SettableClock, officer: dict[str, str]
) -> None:
    reader, writer = service_client_factory(MANIFEST), service_client_factory(MANIFEST)
    reader.app.state.clock = writer.app.state.clock = clock
    async with reader as reading, writer as writing:
        number = (await issue(writing, officer))["number"]
        path = f"/public-checks/certificate/{number}"
        warm = [await reading.get(path) for _ in range(2)]  # the second from the reader's memory
        suspended = await writing.post(
            f"/certificates/{number}/actions/suspend", json={"reason": "recall"}, headers=officer
        )
        after = await reading.get(path)

    assert [response.json()["status"] for response in warm] == ["valid", "valid"]
    assert suspended.status_code == 200
    assert (after.json()["status"], after.json()["valid"]) == ("suspended", False)
    assert after.headers["ETag"] != warm[1].headers["ETag"]


async def test_expiry_shows_on_the_next_taipei_day(
    api: httpx.AsyncClient, officer: dict[str, str], clock: SettableClock
) -> None:
    number = (await issue(api, officer, valid_until="2025-03-03"))["number"]
    assert (await api.get(f"/public-checks/certificate/{number}")).json()["status"] == "valid"
    clock.advance(hours=14)  # 00:00 Taipei on 4 March
    assert (await api.get(f"/public-checks/certificate/{number}")).json()["status"] == "expired"


async def test_a_mark_reads_through_its_certificates(
    api: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    mark = {"mark_id": "R33001", "holder_business_id": FIRM_A, "holder_name": "大同"}
    await api.post("/safety-marks", json=mark, headers=officer)
    never = (await api.get("/public-checks/mark/r 33001")).json()
    assert (never["status"], never["certificates"]) == ("not_yet_valid", [])
    number = (await issue(api, officer, mark_id="R33001"))["number"]
    valid = (await api.get("/public-checks/mark/R33001")).json()
    assert (valid["status"], valid["certificates"], valid["holder"]) == ("valid", [number], "大同")
    await api.post(
        f"/certificates/{number}/actions/revoke", json={"reason": "fraud"}, headers=officer
    )
    assert (await api.get("/public-checks/mark/R33001")).json()["status"] == "revoked"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/public-checks/certificate/XX114000001", 422),
        ("/public-checks/mark/Z12345", 422),
        ("/public-checks/cns_mark/12", 422),
        ("/public-checks/certificate/RC114999999", 404),
        ("/public-checks/instrument/NO-SUCH-1", 404),
        ("/public-checks/planet/1", 422),
    ],
)
async def test_bad_or_unknown_ids_are_problems_and_not_cached(
    api: httpx.AsyncClient, redis_url: str, path: str, status: int
) -> None:
    response = await api.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert await cached_keys(redis_url) == []


async def jwks_of(api: httpx.AsyncClient) -> dict[str, Any]:
    response = await api.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys: dict[str, Any] = response.json()
    return keys


async def test_signed_document_verifies_against_the_published_key(
    api: httpx.AsyncClient, officer: dict[str, str], clock: SettableClock
) -> None:
    number = (await issue(api, officer))["number"]
    await api.post(
        f"/certificates/{number}/actions/suspend", json={"reason": "recall"}, headers=officer
    )
    signed = (await api.get(f"/public-checks/certificate/{number}/signed")).json()
    issuer = InspectionSettings().status_issuer
    document = verify_status_document(
        signed["jws"], await jwks_of(api), issuer=issuer, now=clock.now
    )
    assert (document.subject_id, document.status.value) == (number, "suspended")
    assert document.holder == CERTIFICATE["holder_name"]
    header, claims, signature = signed["jws"].split(".")
    forged = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    forged["status"] = "valid"  # a seller "un-suspending" its listing
    forged_claims = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidStatusDocument):
        verify_status_document(
            f"{header}.{forged_claims}.{signature}",
            await jwks_of(api),
            issuer=issuer,
            now=clock.now,
        )


async def test_qr_payload_resolves_to_the_signed_document(
    api: httpx.AsyncClient, officer: dict[str, str], clock: SettableClock
) -> None:
    number = (await issue(api, officer))["number"]
    payload = (await api.get(f"/public-checks/certificate/{number}")).json()["qr_payload"]
    assert payload.endswith(f"/Q/C/{number}")
    resolved = await api.get("/public-checks/qr", params={"payload": payload})
    issuer = InspectionSettings().status_issuer
    document = verify_status_document(
        resolved.json()["jws"], await jwks_of(api), issuer=issuer, now=clock.now
    )
    assert document.status.value == "valid"
    printed = await api.get(f"/Q/C/{number}")
    assert printed.json()["kid"] == resolved.json()["kid"]
    foreign = await api.get("/public-checks/qr", params={"payload": "https://evil.example/Q/C/1"})
    assert foreign.status_code == 422
