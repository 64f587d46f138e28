"""Personal data at rest, across the whole database after the services' real flows.

Each test drives one service's flows that take personal data, with distinctive probe values,
through its API and its worker (mail to a local SMTP server, LINE and webhooks through
``httpx.MockTransport``), then dumps every table of every schema as CSV and looks for the
probes: as UTF-8 text, as JSON ``\\uXXXX`` escapes and as the hex of bytea. Per-table unit tests
(tests/common/test_pii.py, the services' own) check the columns meant to hold personal data;
this one finds the copies that slip sideways into audit details, outbox payloads, notification
rows, idempotency records, exports or error columns. ip_search takes no personal data (a watch
holds a mark, classes and a firm's webhook), so it has no flow here; its tables are dumped too.

The log store is data at rest as well: every test also captures what the flows wrote to stdout
and stderr (the JSON logs, the SOC's audit stream, anything printed) and every record the
logging system handled, and searches them the same way. A problem response may echo a client's
own input back to that client; a log line may not.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import structlog
from aiosmtpd.controller import Controller
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from common.audit import soc_log
from common.observability.logging import configure_logging
from inspection.app import MANIFEST as INSPECTION
from investment.exports.jobs import build_export
from investment.factories.runner import import_registry_file
from investment.seeding import seed_demo
from investment.settings import InvestmentSettings
from services.registry import SERVICES
from tax_exemption.app import MANIFEST as TAX_EXEMPTION
from tests.inspection.conftest import SettableClock
from tests.investment.test_filing_api import fixed_answers, last_year_filer, open_invitation
from tests.investment.test_surveyors_api import delivery
from tests.tax_exemption.conftest import filing_body
from tests.tax_exemption.test_notifications import Mailbox, Recorder
from tests.tax_exemption.worker import run_worker_once

NAME = "王測試"
EMAIL = "pii-probe@example.com.tw"
PHONE = "0912-345-678"
LINE_USER = "U" + "9e1f0c2b7a6d4e35" * 2
HOME = "基隆市探針區測試路9號"  # where a natural person's meter is: their address
PROBES = (NAME, EMAIL, PHONE, LINE_USER, HOME)
KEELUNG = "10017"
Dump = dict[str, str]


def needles(value: str) -> set[str]:
    """The forms a copy of ``value`` takes in a CSV dump, lower-cased (the dump is searched so).

    The value itself, its JSON escape (``\\u738b...``), the hex of its UTF-8 bytes (a bytea
    holding it unencrypted), and for a phone its digits alone; for an e-mail its local part,
    which survives percent-encoding.
    """
    forms = {value, json.dumps(value)[1:-1], value.encode().hex()}
    digits = "".join(char for char in value if char.isdigit())
    if len(digits) >= 8 and not any(char.isalpha() for char in value):
        forms |= {digits, digits.encode().hex()}
    if "@" in value:
        forms.add(value.partition("@")[0])
    return {form.lower() for form in forms}


async def dump_database(engine: AsyncEngine) -> Dump:
    """Every row of every table of every schema, as CSV text, keyed ``schema.table``."""
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection  # type: ignore[assignment]
        tables = await driver.fetch(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name "
            "FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
        )
        dump: Dump = {}
        for row in tables:
            sink = io.BytesIO()
            await driver.copy_from_query(f"SELECT * FROM {row['name']}", output=sink, format="csv")
            dump[row["name"]] = sink.getvalue().decode()
        return dump


async def dump_redis(url: str) -> Dump:
    """Every key of the test's Redis database (job queue, results, caches) and its values."""
    redis: Redis = Redis.from_url(url)
    try:
        return {
            f"redis {key!r}": _text(await _redis_value(redis, key)) for key in await redis.keys()
        }
    finally:
        await redis.aclose()


# How to read each Redis type whole: command and arguments after the key.
_READS: dict[str, tuple[Any, ...]] = {
    "string": ("GET",),
    "hash": ("HGETALL",),
    "list": ("LRANGE", 0, -1),
    "set": ("SMEMBERS",),
    "zset": ("ZRANGE", 0, -1),
}


async def _redis_value(redis: Redis, key: bytes) -> Any:
    kind = (await redis.type(key)).decode()
    if kind not in _READS:
        raise AssertionError(f"a Redis {kind} at {key!r}: teach the dump to read it")
    command, *arguments = _READS[kind]
    return await redis.execute_command(command, key, *arguments)  # type: ignore[no-untyped-call]


def _text(value: Any) -> str:
    """Bytes as UTF-8 (pickled and JSON values keep strings so), containers flattened."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return " ".join(f"{_text(k)}={_text(v)}" for k, v in value.items())
    if isinstance(value, list | set):
        return " ".join(_text(item) for item in value)
    return str(value)


def leaks(dump: Dump, values: tuple[str, ...] = PROBES) -> list[tuple[str, str]]:
    """(table, probe) for every table where a form of a probe occurs."""
    return [
        (table, value)
        for table, content in dump.items()
        for value in values
        if any(form in content.lower() for form in needles(value))
    ]


def assert_no_leak(dump: Dump) -> None:
    found = leaks(dump)
    assert not found, f"personal data in a database dump: {found}"


class LogStore(logging.Handler):
    """What a log shipper would keep: the test's stdout and stderr, and every log record whole
    (message, arguments, extra fields, traceback), whatever handlers the services install."""

    def __init__(self, capture: pytest.CaptureFixture[str]) -> None:
        super().__init__(logging.NOTSET)
        self.capture = capture
        self.records: list[str] = []
        self.stdout = ""
        self._render = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{self._render.format(record)} {record.__dict__!r}")

    def dump(self) -> Dump:
        """Everything so far, keyed like a database dump; the stdout part is kept for ``audit``."""
        out, err = self.capture.readouterr()
        self.stdout += out
        return {
            "log stdout": self.stdout,
            "log stderr": err,
            "log records": "\n".join(self.records),
        }

    def events(self, event: str) -> list[dict[str, Any]]:
        """The JSON lines on stdout with this ``event`` (``audit`` for the SOC's stream)."""
        self.dump()
        lines = (json.loads(line) for line in self.stdout.splitlines() if line.startswith("{"))
        return [line for line in lines if line.get("event") == event]

    def audited(self) -> set[str]:
        """The actions the SOC's stream reported: the capture did see the flows."""
        return {line["action"] for line in self.events("audit")}


@pytest.fixture
def log_store(capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> LogStore:
    """Logs configured as a service configures them (apps reconfigure the same way), with the
    store seeing every record any logger emits, whatever handlers it has (``callHandlers``)."""
    configure_logging()
    store = LogStore(capfd)
    original = logging.Logger.callHandlers

    def call_handlers(logger: logging.Logger, record: logging.LogRecord) -> None:
        store.handle(record)
        original(logger, record)

    monkeypatch.setattr(logging.Logger, "callHandlers", call_handlers)
    return store


def test_the_search_would_find_a_leak() -> None:
    """The search itself: each form of each probe is found (else a clean dump proves nothing)."""
    blob = bytes(f"x{NAME}y", "utf-8").hex()
    assert leaks({"t.escaped": json.dumps({"n": NAME})}, (NAME,)) == [("t.escaped", NAME)]
    assert leaks({"t.bytea": f'"\\x{blob}"'}, (NAME,)) == [("t.bytea", NAME)]
    assert leaks({"t.digits": "0912345678"}, (PHONE,)) == [("t.digits", PHONE)]
    assert leaks({"t.url": "mailto:PII-PROBE%40example"}, (EMAIL,)) == [("t.url", EMAIL)]
    assert leaks({"t.clean": "王小明 0223456789"}) == []


def test_the_log_store_would_find_a_leak(log_store: LogStore) -> None:
    """Each way out is captured: structlog, stdlib logging, the SOC stream, a bare print."""
    structlog.get_logger("moea.probe").info("contact", email=EMAIL)
    logging.getLogger("moea.probe").warning("owner %s", NAME)
    soc_log.emit({"details": {"phone": PHONE}})
    print(LINE_USER, file=sys.stderr)
    assert set(leaks(log_store.dump())) == {
        ("log records", NAME),
        ("log stderr", LINE_USER),
        ("log stdout", NAME),
        ("log stdout", EMAIL),
        ("log stdout", PHONE),
    }


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


class RefusingMailbox(Mailbox):
    """Refuses every recipient, echoing the address in its reply as Postfix does."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


@contextmanager
def smtp_server(box: Mailbox) -> Iterator[int]:
    """A local SMTP server handing mail to ``box``; yields its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    # It stands in for the recipient's mail server, whose logs are not our log store.
    server_log = logging.getLogger("mail.log")
    server_log.disabled = True
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
        server_log.disabled = False


async def file_and_review(
    client: httpx.AsyncClient, firm: dict[str, str], officer: dict[str, str]
) -> int:
    """A filing with the probe contact, created (idempotent), edited, submitted, reviewed."""
    contact = {"name": NAME, "phone": PHONE, "email": EMAIL}
    created = await client.post(
        "/filings",
        json=filing_body(contact=contact, purpose="探針擴充產線"),
        headers={**firm, "Idempotency-Key": "filing-once-1"},
    )
    assert created.status_code == 201, created.text
    filing_id: int = created.json()["id"]
    draft = filing_body(contact={**contact, "name": f"{NAME} "}, purpose="探針擴充產線")
    etag = created.headers["ETag"]
    edited = await client.put(
        f"/filings/{filing_id}", json=draft, headers={**firm, "If-Match": etag}
    )
    assert edited.status_code == 200, edited.text
    for path, who in (("submit", firm), ("review", officer)):
        etag = edited.headers["ETag"]
        edited = await client.post(
            f"/filings/{filing_id}/{path}", headers={**who, "If-Match": etag}
        )
        assert edited.status_code == 200, edited.text
    return filing_id


async def test_tax_exemption_filing_and_its_notices_leave_no_personal_data(
    service_client_factory: Callable[..., Any],
    token: Callable[..., str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
    log_store: LogStore,
) -> None:
    firm = bearer(token("firm", business_id="04595257", subject="firm-a-clerk"))
    officer = bearer(token("officer", agency="IDA", subject="officer-lin"))
    line, hook, box = Recorder(), Recorder(), Mailbox()
    transport = httpx.MockTransport(lambda r: (line if r.url.host == "api.line.me" else hook)(r))
    preferences = {
        "channels": ["email", "line", "webhook"],
        "email": EMAIL,
        "line_user_id": LINE_USER,
        "webhook_url": "https://hooks.firm-a.example/moea",
        "webhook_secret": "webhook-secret-of-firm-a",
    }
    with smtp_server(box) as port:
        async with service_client_factory(TAX_EXEMPTION) as client:
            saved = await client.put("/notifications/preferences", json=preferences, headers=firm)
            assert saved.status_code == 200, saved.text
            filing_id = await file_and_review(client, firm, officer)
            worker = {**settings_overrides, "smtp_port": port, "line_channel_token": "line-token"}
            for _ in range(2):  # fan out, then deliver
                await run_worker_once(db_engine, redis_url, worker, http_transport=transport)
            read = await client.get(f"/filings/{filing_id}", headers=officer)
            assert read.json()["contact"]["name"].strip() == NAME  # the contact is there, sealed
            notices = (await client.get("/notifications", headers=firm)).json()
    # Both steps reached every channel: the flows ran for real before the dump.
    assert sorted(n["status"] for n in notices) == ["sent"] * 6
    assert [m.rcpt_tos for m in box.messages] == [[EMAIL], [EMAIL]]
    assert len(line.requests) == 2 and len(hook.requests) == 2

    dump = await dump_database(db_engine)
    assert "探針擴充產線" in dump["tax_exemption.filing"]
    redis = await dump_redis(redis_url)
    assert any("firm-a-clerk" in key for key in redis) and any("arq:" in key for key in redis)
    dump |= redis
    assert dump["tax_exemption.idempotency_key"].count("filing-once-1") == 1
    assert dump["tax_exemption.notification"].count(f"{filing_id},") >= 6
    assert "filing.read" in dump["tax_exemption.audit_event"]
    assert {"filing.create", "filing.read", "notification_preference.put"} <= log_store.audited()
    assert_no_leak(dump | log_store.dump())


async def test_a_refused_e_mail_leaves_no_address_in_its_error(
    service_client_factory: Callable[..., Any],
    token: Callable[..., str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
    log_store: LogStore,
) -> None:
    firm = bearer(token("firm", business_id="04595257", subject="firm-a-clerk"))
    officer = bearer(token("officer", agency="IDA", subject="officer-lin"))
    async with service_client_factory(TAX_EXEMPTION) as client:
        preferences = {"channels": ["email"], "email": EMAIL}
        saved = await client.put("/notifications/preferences", json=preferences, headers=firm)
        assert saved.status_code == 200, saved.text
        await file_and_review(client, firm, officer)
        with smtp_server(RefusingMailbox()) as port:
            worker = {**settings_overrides, "smtp_port": port}
            for _ in range(2):
                await run_worker_once(db_engine, redis_url, worker)
        notices = (await client.get("/notifications", headers=firm)).json()
    # The operator still learns why: the server's code and reply, without the address.
    assert [n["status"] for n in notices] == ["failed", "failed"]
    assert all("550" in n["last_error"] for n in notices), notices

    dump = await dump_database(db_engine)
    assert "Recipient address rejected" in dump["tax_exemption.outbox"]
    dead = log_store.events("outbox.dead_lettered")
    assert len(dead) == 2 and all("Recipient address rejected" in d["error"] for d in dead)
    assert_no_leak(dump | log_store.dump())


async def test_a_refused_filing_echoes_its_contact_to_its_sender_only(
    service_client_factory: Callable[..., Any],
    token: Callable[..., str],
    db_engine: AsyncEngine,
    log_store: LogStore,
) -> None:
    """A 422 on a malformed contact e-mail says where and why, to the client that sent it; the
    logs and the database keep none of the contact."""
    firm = bearer(token("firm", business_id="04595257", subject="firm-a-clerk"))
    contact = {"name": NAME, "phone": PHONE, "email": EMAIL.replace("@", "@@")}
    async with service_client_factory(TAX_EXEMPTION) as client:
        refused = await client.post(
            "/filings",
            json=filing_body(contact=contact),
            headers={**firm, "Idempotency-Key": "filing-refused-1"},
        )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert [error["loc"] for error in problem["errors"]] == [["body", "contact", "email"]]

    dump = await dump_database(db_engine)
    assert dump["tax_exemption.filing"] == dump["tax_exemption.idempotency_key"] == ""
    assert_no_leak(dump | log_store.dump())


async def test_investment_return_and_county_export_leave_no_personal_data(
    service_client_factory: Callable[..., Any],
    token: Callable[..., str],
    db_engine: AsyncEngine,
    settings_overrides: dict[str, Any],
    log_store: LogStore,
) -> None:
    settings = InvestmentSettings(**settings_overrides)
    await seed_demo(db_engine, settings, synthetic=0)
    surveyor = bearer(token("surveyor", county=KEELUNG))
    async with service_client_factory(SERVICES["investment"]) as client:
        factory = await last_year_filer(db_engine)
        session = await open_invitation(client, token, factory["registration_number"])
        filing = {"Filing-Token": session["filing_token"]}
        opened = await client.get(f"/returns/{factory['id']}", headers=filing)
        answers = {
            **fixed_answers(opened.json(), factory["answers"]),
            "contact_name": NAME,
            "contact_phone": "0912-345678",
            "contact_email": EMAIL,
        }
        draft = await client.put(
            f"/returns/{factory['id']}/draft",
            json={"answers": answers},
            headers={**filing, "If-Match": opened.headers["ETag"]},
        )
        assert draft.status_code == 200 and draft.json()["problems"] == [], draft.text
        receipt = await client.post(
            f"/returns/{factory['id']}/submit",
            json={"answers": answers},
            headers={**filing, "If-Match": draft.headers["ETag"], "Idempotency-Key": "pii-ret"},
        )
        assert receipt.status_code == 201, receipt.text
        requested = await client.post("/campaigns/2026/exports", json={}, headers=surveyor)
        assert requested.status_code == 202, requested.text
        await _build_exports(db_engine, settings)
        content = await client.get(f"/exports/{requested.json()['id']}/content", headers=surveyor)
    assert NAME in content.content.decode("utf-8-sig")  # the export was built, with the contact

    dump = await dump_database(db_engine)
    assert receipt.json()["receipt_number"] in dump["investment.survey_return"]
    assert "pii-ret" in dump["investment.idempotency_key"]
    assert ",done," in dump["investment.survey_export"]
    assert "export.read" in dump["investment.audit_event"]
    assert "export.read" in log_store.audited()
    assert_no_leak(dump | log_store.dump())


REGISTRY_HEADER = (
    "工廠名稱,工廠登記編號,工廠設立許可案號,工廠地址,工廠市鎮鄉村里,工廠負責人姓名,統一編號,"
    "工廠組織型態,工廠設立核准日期,工廠登記核准日期,工廠登記狀態,產業類別,主要產品"
)
REGISTRY_LINE = (
    "探針工廠有限公司,99667269,,基隆市中正區社寮里和一路1號,基隆市中正區社寮里,{owner},00941143,"
    "有限公司,{approved},0750710,生產中,29機械設備製造業,293通用機械設備"
)


async def test_investment_registry_imports_leave_no_owner_names(
    db_engine: AsyncEngine,
    settings_overrides: dict[str, Any],
    tmp_path: Path,
    clean_backends: None,
    log_store: LogStore,
) -> None:
    """Owners are natural persons: an applied import and a refused one (errors per line)."""
    settings = InvestmentSettings(**settings_overrides)
    applied = tmp_path / "applied.csv"
    applied.write_text(
        f"{REGISTRY_HEADER}\n{REGISTRY_LINE.format(owner=NAME, approved='0750705')}\n"
    )
    refused = tmp_path / "refused.csv"
    bad_date = REGISTRY_LINE.format(owner=NAME, approved="0751340")
    refused.write_text(f"{REGISTRY_HEADER}\n{bad_date}\n{NAME},{PHONE},{EMAIL}\n")

    assert (await import_registry_file(db_engine, applied, settings)).applied
    report = await import_registry_file(db_engine, refused, settings)
    assert not report.applied and len(report.row_errors) == 2

    dump = await dump_database(db_engine)
    assert "99667269" in dump["investment.factory"]
    assert "工廠設立核准日期" in dump["investment.registry_import"]
    assert_no_leak(dump | log_store.dump())


async def _build_exports(engine: AsyncEngine, settings: InvestmentSettings) -> None:
    """The worker's export handler for every queued export message."""
    async with engine.connect() as connection:
        ids = (
            await connection.scalars(
                text("SELECT id FROM investment.outbox WHERE topic = 'investment.export'")
            )
        ).all()
    async with AsyncSession(engine) as session, httpx.AsyncClient() as http:
        for message_id in ids:
            await build_export(await delivery(engine, settings, message_id, session, http))
        await session.commit()


@pytest.fixture
async def inspection_client(
    service_client_factory: Callable[..., Any],
) -> AsyncIterator[httpx.AsyncClient]:
    factory = service_client_factory(INSPECTION)
    factory.app.state.clock = SettableClock(datetime(2025, 3, 3, 2, 0, tzinfo=UTC))
    async with factory as client:
        yield client


async def test_inspection_contacts_and_instrument_owners_leave_no_personal_data(
    inspection_client: httpx.AsyncClient,
    token: Callable[..., str],
    db_engine: AsyncEngine,
    log_store: LogStore,
) -> None:
    officer = bearer(token("officer", agency="BSMI", subject="officer-1"))
    certificate = {
        "kind": "MA",
        "holder_business_id": "04595257",
        "holder_name": "探針電器股份有限公司",
        "contact_name": NAME,
        "contact_phone": PHONE,
        "product_name": "電熱水瓶",
        "models": ["TH-100"],
        "standards": ["CNS 60335-1"],
        "valid_from": "2025-01-01",
        "valid_until": "2025-08-31",
    }
    instrument = {
        "kind": "taxi_meter",
        "maker": "振宇",
        "model": "TM-9",
        "serial": "TM2025-0042",
        "owner_person_name": NAME,
        "owner_phone": PHONE,
        "location": HOME,
    }
    client = inspection_client
    issued = await client.post("/certificates", json=certificate, headers=officer)
    assert issued.status_code == 201, issued.text
    number = issued.json()["number"]
    contact = await client.get(f"/certificates/{number}/contact", headers=officer)
    assert contact.json()["contact_name"] == NAME
    misdialled = {**instrument, "serial": "TM2025-0043", "owner_phone": f"tel:{PHONE}"}
    refused = await client.post("/instruments", json=misdialled, headers=officer)
    assert refused.status_code == 422, refused.text
    registered = await client.post("/instruments", json=instrument, headers=officer)
    assert registered.status_code == 201, registered.text
    applied = await client.post(
        "/instruments/TM2025-0042/verifications", json={"kind": "initial"}, headers=officer
    )
    assert applied.status_code in (200, 201), applied.text
    verification_id = applied.json()["verifications"][0]["id"]
    result = {"result": "passed", "verified_on": "2025-03-01", "sticker_number": "S-42"}
    decided = await client.post(
        f"/verifications/{verification_id}/result", json=result, headers=officer
    )
    assert decided.status_code == 200, decided.text
    read = await client.get(f"/instruments/{instrument['serial']}", headers=officer)
    assert read.json()["location"] == HOME

    dump = await dump_database(db_engine)
    assert number in dump["inspection.certificate"]
    assert "TM2025-0042" in dump["inspection.instrument"]
    assert "TM2025-0043" not in dump["inspection.instrument"]
    assert "certificate.contact.read" in dump["inspection.audit_event"]
    assert "instrument.read" in dump["inspection.audit_event"]
    assert {"certificate.contact.read", "instrument.read"} <= log_store.audited()
    assert_no_leak(dump | log_store.dump())
