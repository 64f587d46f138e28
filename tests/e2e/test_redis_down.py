"""With Redis unreachable every service still answers its public reads as it does with Redis up.

DESIGN.md's degradation contract, checked at the level of the services: each test runs two
replicas of one service on the same PostgreSQL, one on the test Redis and one on a Redis that
refuses every connection, seeds through the services' own write paths, then asks both the same
anonymous reads. The Redis-less replica must give the same status, body and validators (no
cache, rate-limited locally), and its readiness must read degraded, not failing. Writes that do
not need Redis by design succeed there too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.manifest import ServiceManifest
from common.ratelimit import EXEMPT_PATHS
from inspection.domain.signed_status import verify_status_document
from inspection.settings import InspectionSettings
from investment.seeding import seed_demo
from investment.settings import InvestmentSettings
from ip_search.importing.runner import import_file
from ip_search.opendata.counters import PENDING
from ip_search.patents.importer import import_jsonl
from services.registry import SERVICES
from tests.inspection.conftest import SettableClock
from tests.inspection.test_certificates_api import issue
from tests.inspection.test_cns_marks_api import register as register_cns_mark
from tests.inspection.test_metrology_api import register as register_instrument
from tests.inspection.test_regulated_products_api import add as add_regulated_product
from tests.investment.test_filing_api import fixed_answers, last_year_filer, stored
from tests.ip_search.test_opendata_api import dataset_body
from tests.ip_search.test_opendata_exports import run_worker
from tests.ip_search.test_patent_api import SAMPLE as PATENTS
from tests.ip_search.test_trademark_api import SAMPLE as TRADEMARKS
from tests.tax_exemption.conftest import bearer, filing_body

REDIS_DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once, no waiting
FIRM = "04595257"
# Validators and framing a client relies on; request ids and rate-limit counts differ by design.
COMPARED_HEADERS = ("content-type", "etag", "cache-control", "content-range", "content-length")


# --- The route tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """One anonymous read; ``{name}`` in the path or a parameter is a seeded value."""

    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    status: int = 200
    signed: bool = False  # a status document: its ES256 signature differs on every call

    def bound(self, seeded: Mapping[str, str]) -> Read:
        params = {name: value.format_map(seeded) for name, value in self.params.items()}
        return replace(self, path=self.path.format_map(seeded), params=params)


SEARCH_MODES = ("exact", "prefix", "contains", "similar")
IP_SEARCH_READS = (
    *(Read("/trademarks/search", {"q": "{mark_name}", "mode": mode}) for mode in SEARCH_MODES),
    Read("/trademarks/{mark_no}"),
    Read("/trademarks/999999999", status=404),
    Read("/patents/search", {"q": "TI=(battery AND lithium)"}),
    Read("/patents/TW/I812345"),
    Read("/open-data/datasets"),
    Read("/open-data/datasets", {"q": "商標"}),
    Read("/open-data/datasets/{dataset}"),
    Read("/open-data/datasets/{dataset}.jsonld"),
    Read("/open-data/datasets/{dataset}/changes"),
    Read("/open-data/datasets/{dataset}/versions/1/download"),
    Read(
        "/open-data/datasets/{dataset}/versions/1/download",
        headers={"Range": "bytes=10-99"},
        status=206,
    ),
    Read(
        "/open-data/datasets/{dataset}/versions/1/download",
        headers={"Range": "bytes=999999999-"},
        status=416,
    ),
    Read("/open-data/exports/{export}"),
    Read("/open-data/exports/{export}/download"),
    Read("/open-data/exports/{export}/download", headers={"Range": "bytes=0-9"}, status=206),
)
INSPECTION_READS = (
    Read("/public-checks/certificate/{certificate}"),
    Read("/public-checks/mark/R33001"),
    Read("/public-checks/instrument/TM2025-0001"),
    Read("/public-checks/cns_mark/012345"),
    Read("/public-checks/certificate/RC114999999", status=404),
    Read("/public-checks/certificate/{certificate}/signed", signed=True),
    Read("/public-checks/mark/R33001/signed", signed=True),
    Read("/public-checks/instrument/TM2025-0001/signed", signed=True),
    Read("/public-checks/qr", {"payload": "{qr_payload}"}, signed=True),
    Read("/Q/C/{certificate}", signed=True),
    Read("/.well-known/jwks.json"),
    Read("/cns-marks/search", {"firm": "東和"}),
    Read("/cns-marks/012345"),
    Read("/regulated-products/lookup", {"ccc_code": "8516.10.00.10-7"}),
    Read("/regulated-products", {"name": "熱水"}),
)
INVESTMENT_READS = (
    Read("/factories", {"county_code": "10017"}),
    Read("/factories/96200001"),
    Read("/campaigns"),
    Read("/campaigns/2026"),
    Read("/campaigns/2026/form"),
    Read("/parks"),
    Read("/parks/nearest", {"longitude": "121.74", "latitude": "25.13"}),
    Read("/parks/{park}"),
    Read("/parks/{park}/factories"),
    Read("/decision-support"),
    Read("/decision-support/location-quotient", {"industry_code": "08"}),
    Read("/decision-support/industry-counts", {"county_code": "09020"}),
    Read("/decision-support/land-availability"),
    Read("/decision-support/similar-factories/96200001"),
    Read("/decision-support/nearest-parks", {"longitude": "121.74", "latitude": "25.13"}),
    Read(
        "/decision-support/upstream-suppliers",
        {"industry_code": "25", "longitude": "121.74", "latitude": "25.13", "radius_km": "200"},
    ),
)
HEALTH_READS = (Read("/livez"),)


# --- Two replicas of one service: Redis up, Redis down -------------------------------------


class Replicas(NamedTuple):
    up: httpx.AsyncClient
    down: httpx.AsyncClient


@dataclass
class World:
    """What seeding needs from the fixtures."""

    engine: AsyncEngine
    token: Callable[..., str]
    settings_overrides: dict[str, Any]
    overrides: dict[str, Any]
    redis_url: str


@asynccontextmanager
async def replicas(
    factory: Callable[..., Any], manifest: ServiceManifest, **overrides: Any
) -> AsyncIterator[Replicas]:
    """Both replicas share one clock (inspection's status documents are stamped with it)."""
    up = factory(manifest, **overrides)
    down = factory(manifest, **overrides, redis_url=REDIS_DOWN)
    clock = SettableClock(datetime(2025, 3, 3, 2, 0, tzinfo=UTC))
    up.app.state.clock = down.app.state.clock = clock
    async with up as up_client, down as down_client:
        yield Replicas(up_client, down_client)


def officer(world: World, agency: str) -> dict[str, str]:
    return bearer(world.token("officer", agency=agency, subject=f"officer-{agency}"))


# --- Seeding, through each service's own write paths ---------------------------------------


async def seed_ip_search(clients: Replicas, world: World) -> dict[str, str]:
    await import_file(world.engine, TRADEMARKS)
    report = await import_jsonl(world.engine, PATENTS)
    assert report.accepted > 0
    async with world.engine.connect() as connection:
        mark = (
            await connection.execute(
                text("SELECT application_no, name FROM ip_search.trademark ORDER BY 1 LIMIT 1")
            )
        ).one()
    tipo = officer(world, "TIPO")
    dataset = dataset_body()
    created = await clients.up.post("/open-data/datasets", json=dataset, headers=tipo)
    assert created.status_code == 201, created.text
    (world.overrides["open_data_dir"] / "tm.csv").write_bytes(b"appl-no\n" + b"0123456789\n" * 99)
    version = {"storage_key": "tm.csv", "row_count": 99, "change_note": "first"}
    published = await clients.up.post(
        f"/open-data/datasets/{dataset['id']}/versions", json=version, headers=tipo
    )
    assert published.status_code == 201, published.text
    export_id = await anonymous_export(clients.down, world)
    return {
        "mark_no": mark.application_no,
        "mark_name": mark.name,
        "dataset": dataset["id"],
        "export": export_id,
    }


async def anonymous_export(down: httpx.AsyncClient, world: World) -> str:
    """An anonymous write with Redis down: the export is queued in PostgreSQL and built."""
    requested = await down.post("/open-data/exports", json={"filed_from": "2000-01-01"})
    assert requested.status_code == 202, requested.text
    assert await run_worker(world.settings_overrides, **world.overrides) == ["completed"]
    export_id: str = requested.json()["id"]
    return export_id


async def seed_inspection(clients: Replicas, world: World) -> dict[str, str]:
    bsmi = officer(world, "BSMI")
    mark = {"mark_id": "R33001", "holder_business_id": FIRM, "holder_name": "大同"}
    assert (await clients.up.post("/safety-marks", json=mark, headers=bsmi)).status_code == 201
    certificate = await issue(clients.up, bsmi, mark_id="R33001")
    await register_instrument(clients.up, bsmi)
    applied = await clients.up.post(
        "/instruments/TM2025-0001/verifications", json={"kind": "initial"}, headers=bsmi
    )
    result = {"result": "passed", "verified_on": "2025-03-01", "sticker_number": "S-1"}
    verification = applied.json()["verifications"][0]["id"]
    decided = await clients.up.post(
        f"/verifications/{verification}/result", json=result, headers=bsmi
    )
    assert decided.status_code == 200, decided.text
    await register_cns_mark(clients.up, bsmi)
    await add_regulated_product(clients.up, bsmi)
    check = await clients.up.get(f"/public-checks/certificate/{certificate['number']}")
    return {"certificate": certificate["number"], "qr_payload": check.json()["qr_payload"]}


async def seed_investment(clients: Replicas, world: World) -> dict[str, str]:
    await seed_demo(world.engine, InvestmentSettings(**world.settings_overrides), synthetic=0)
    parks = (await clients.up.get("/parks")).json()
    return {"park": str(parks[0]["id"])}


async def seed_nothing(clients: Replicas, world: World) -> dict[str, str]:
    return {}


Seeder = Callable[[Replicas, World], Awaitable[dict[str, str]]]
TABLES: dict[str, tuple[Seeder, tuple[Read, ...]]] = {
    "ip_search": (seed_ip_search, IP_SEARCH_READS),
    "inspection": (seed_inspection, INSPECTION_READS),
    "investment": (seed_investment, INVESTMENT_READS),
    "tax_exemption": (seed_nothing, ()),  # no anonymous reads but its health
}


# --- Comparing the two answers -------------------------------------------------------------


async def get(client: httpx.AsyncClient, read: Read) -> httpx.Response:
    return await client.get(read.path, params=dict(read.params), headers=dict(read.headers))


def jws_signing_input(token: str) -> str:
    """Header and claims: what both replicas must agree on (ES256 signatures are randomised)."""
    header, claims, _signature = token.split(".")
    return f"{header}.{claims}"


def comparable_body(read: Read, response: httpx.Response) -> object:
    if not read.signed:
        return response.content
    body = response.json()
    return {**body, "jws": jws_signing_input(body["jws"])}


def differences(read: Read, up: httpx.Response, down: httpx.Response) -> list[str]:
    """Why the Redis-less answer is not the Redis-backed one (empty when it is)."""
    found = []
    if (up.status_code, down.status_code) != (read.status, read.status):
        found.append(f"status: up {up.status_code}, down {down.status_code}: {down.text[:200]}")
    elif comparable_body(read, up) != comparable_body(read, down):
        found.append(f"body: up {up.text[:200]!r}, down {down.text[:200]!r}")
    for name in COMPARED_HEADERS:
        if up.headers.get(name) != down.headers.get(name):
            found.append(f"{name}: up {up.headers.get(name)}, down {down.headers.get(name)}")
    if read.path not in EXEMPT_PATHS and "ratelimit-limit" not in down.headers:
        found.append("no RateLimit-* headers: the local fallback limiter did not count it")
    return [f"{read.path} {dict(read.params)} {dict(read.headers)}: {why}" for why in found]


# --- Public reads --------------------------------------------------------------------------


@pytest.mark.parametrize("service", list(TABLES))
async def test_public_reads_answer_as_with_redis_up(
    service: str, service_client_factory: Callable[..., Any], world: World
) -> None:
    seed, reads = TABLES[service]
    async with replicas(service_client_factory, SERVICES[service], **world.overrides) as clients:
        seeded = await seed(clients, world)
        mismatched = []
        for read in (*reads, *HEALTH_READS):
            bound = read.bound(seeded)
            await get(clients.up, bound)  # so the Redis-backed answer is the cached one
            up, down = await get(clients.up, bound), await get(clients.down, bound)
            mismatched += differences(bound, up, down)
    assert mismatched == []


@pytest.mark.parametrize("service", list(TABLES))
async def test_readiness_is_degraded_not_failing_without_redis(
    service: str, service_client_factory: Callable[..., Any], world: World
) -> None:
    async with replicas(service_client_factory, SERVICES[service], **world.overrides) as clients:
        up, down = await clients.up.get("/readyz"), await clients.down.get("/readyz")
    assert (up.status_code, up.json()["status"]) == (200, "ok")
    assert (down.status_code, down.json()["status"]) == (200, "degraded")
    checks = {name: check["status"] for name, check in down.json()["checks"].items()}
    assert (checks["postgresql"], checks["redis"]) == ("ok", "failing")


async def test_the_local_fallback_still_limits_anonymous_clients(
    service_client_factory: Callable[..., Any], world: World
) -> None:
    overrides = {**world.overrides, "rate_limit_anonymous": "3/minute"}
    async with replicas(service_client_factory, SERVICES["ip_search"], **overrides) as clients:
        answers = [await clients.down.get("/open-data/datasets") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [answer.headers["ratelimit-remaining"] for answer in answers] == ["2", "1", "0", "0"]
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1


async def test_signed_documents_from_the_redis_less_replica_verify(
    service_client_factory: Callable[..., Any], world: World
) -> None:
    inspection = SERVICES["inspection"]
    async with replicas(service_client_factory, inspection, **world.overrides) as clients:
        seeded = await seed_inspection(clients, world)
        signed = await clients.down.get(
            f"/public-checks/certificate/{seeded['certificate']}/signed"
        )
        keys = (await clients.down.get("/.well-known/jwks.json")).json()
    document = verify_status_document(
        signed.json()["jws"],
        keys,
        issuer=InspectionSettings().status_issuer,
        now=datetime(2025, 3, 3, 2, 0, tzinfo=UTC),
    )
    assert (document.subject_id, document.status.value) == (seeded["certificate"], "valid")


async def test_a_download_is_served_though_its_count_cannot_be_written(
    service_client_factory: Callable[..., Any], world: World
) -> None:
    ip_search = SERVICES["ip_search"]
    async with replicas(service_client_factory, ip_search, **world.overrides) as clients:
        seeded = await seed_ip_search(clients, world)
        path = f"/open-data/datasets/{seeded['dataset']}/versions/1/download"
        served = [await clients.down.get(path) for _ in range(3)]
        counted = await clients.up.get(path)
    assert [response.status_code for response in served] == [200] * 3
    assert all(response.content == counted.content for response in served)
    redis: Redis = Redis.from_url(world.redis_url)
    try:
        pending = await redis.hgetall(PENDING)  # type: ignore[misc]
    finally:
        await redis.aclose()
    assert pending == {f"{seeded['dataset']}/1".encode(): b"1"}  # the up replica's one


# --- Writes that do not need Redis ---------------------------------------------------------


async def test_a_tax_exemption_filing_draft_is_saved_without_redis(
    service_client_factory: Callable[..., Any], world: World
) -> None:
    firm = bearer(world.token("firm", business_id=FIRM, subject="firm-clerk"))
    headers = {**firm, "Idempotency-Key": "draft-without-redis"}
    async with replicas(service_client_factory, SERVICES["tax_exemption"]) as clients:
        created = await clients.down.post("/filings", json=filing_body(), headers=headers)
        replayed = await clients.down.post("/filings", json=filing_body(), headers=headers)
        read = await clients.up.get(f"/filings/{created.json()['id']}", headers=firm)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "draft"
    assert replayed.headers["idempotent-replayed"] == "true"
    assert read.status_code == 200 and read.json()["id"] == created.json()["id"]
    async with world.engine.connect() as connection:
        filings = await connection.scalar(text("SELECT count(*) FROM tax_exemption.filing"))
    assert filings == 1


async def test_an_investment_survey_draft_is_saved_without_redis(
    service_client_factory: Callable[..., Any], world: World
) -> None:
    await seed_demo(world.engine, InvestmentSettings(**world.settings_overrides), synthetic=0)
    factory = await last_year_filer(world.engine)
    async with replicas(service_client_factory, SERVICES["investment"]) as clients:
        issued = await clients.up.post(
            "/campaigns/2026/invitations",
            json={"registration_numbers": [factory["registration_number"]]},
            headers=officer(world, "IDA"),
        )
        [invitation] = issued.json()["invitations"]
        # Redeeming checks a Redis-backed throttle: it fails open.
        redeemed = await clients.down.post("/invitations/redeem", json={"code": invitation["code"]})
        assert redeemed.status_code == 200, redeemed.text
        filing = {"Filing-Token": redeemed.json()["filing_token"]}
        opened = await clients.down.get(f"/returns/{factory['id']}", headers=filing)
        answers = fixed_answers(opened.json(), factory["answers"])
        saved = await clients.down.put(
            f"/returns/{factory['id']}/draft",
            json={"answers": answers},
            headers={**filing, "If-Match": opened.headers["ETag"]},
        )
    assert saved.status_code == 200, saved.text
    assert saved.json()["problems"] == []
    row = await stored(world.engine, factory["id"])
    assert (row["status"], row["answers"]["revenue_total"]) == ("draft", answers["revenue_total"])
