"""XML uploads in the customs layout on real PostgreSQL and Redis: the same lines as the CSV
form, the same per-line problems, and hostile or bad files refused whole with nothing stored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tax_exemption.declarations.xml_layout import parse_xml
from tax_exemption.models import declaration_batch, declaration_line, platform_tables
from tests.tax_exemption.conftest import FIRM_A
from tests.tax_exemption.stored import CERTIFICATE_NO, balance_and_ledger, seed_certificate
from tests.tax_exemption.worker import run_worker_once

HEADER = {"DECLNO": "AW13000009", "SHPR_BAN_ID": FIRM_A, "DECL_DATE": "113.06.01"}


def _item(n: int, **changes: str) -> dict[str, str]:
    fields = {
        "ITEM_NO": str(n),
        "CCC_CODE": "8457.10.10.00-3",
        "DESCRIPTION": "立式綜合加工機 VERTICAL MACHINING CENTER 1",
        "GOODS_MODEL": "VF-1SS",
        "QTY": "3",
        "DOC_UM": "SET",
        "ORG_COUNTRY": "US",
        "CERT_NO": CERTIFICATE_NO,
        "CERT_NO_ITEM": "1",
    }
    return {**fields, **changes}


def _elements(fields: dict[str, str], indent: str) -> str:
    return "".join(f"{indent}<{name}>{value}</{name}>\n" for name, value in fields.items())


def _xml(*items: dict[str, str], header: dict[str, str] = HEADER, extra: str = "") -> str:
    body = "".join(f"    <Item>\n{_elements(item, '      ')}    </Item>\n" for item in items)
    declaration = f"  <Declaration>\n{_elements(header, '    ')}{extra}{body}  </Declaration>\n"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Declarations>\n{declaration}</Declarations>\n'


def _csv(*items: dict[str, str]) -> str:
    rows = [{**HEADER, **item} for item in items]
    return "\n".join([",".join(rows[0]), *(",".join(row.values()) for row in rows)]) + "\n"


async def _stored(engine: AsyncEngine) -> tuple[int, int, int, int]:
    """Batches, lines, audit events and outbox messages: what a refused upload must not add."""
    tables = (
        declaration_batch,
        declaration_line,
        platform_tables.audit_event,
        platform_tables.outbox,
    )
    async with engine.connect() as connection:
        counts = [
            await connection.scalar(select(func.count()).select_from(table)) for table in tables
        ]
    batches, lines, events, messages = (count or 0 for count in counts)
    return batches, lines, events, messages


async def _post_xml(
    client: httpx.AsyncClient, headers: dict[str, str], text: str | bytes
) -> httpx.Response:
    content = text.encode() if isinstance(text, str) else text
    return await client.post(
        "/declarations/batches/xml",
        content=content,
        headers={**headers, "Content-Type": "application/xml"},
    )


async def test_an_xml_file_stores_the_lines_of_the_equivalent_csv(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A)
    items = (_item(1), _item(2, QTY="2"))

    response = await client.post(
        "/declarations/batches/xml?filename=day1.xml",
        content=_xml(*items).encode(),
        headers={**officer, "Content-Type": "application/xml"},
    )
    assert response.status_code == 202, response.text
    batch = response.json()
    assert (batch["source"], batch["filename"], batch["agency"]) == ("xml", "day1.xml", "IDA")
    assert batch["counts"]["new"] == 2
    await run_worker_once(db_engine, redis_url, settings_overrides)
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(5), Decimal(5))

    # The same lines as CSV are the very same content: duplicates, nothing new to draw.
    as_csv = await client.post(
        "/declarations/batches/csv",
        content=_csv(*items).encode(),
        headers={**officer, "Content-Type": "text/csv"},
    )
    assert as_csv.status_code == 202, as_csv.text
    assert as_csv.json()["counts"]["duplicate"] == 2 and as_csv.json()["counts"]["new"] == 0
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(5), Decimal(5))

    lines = await client.get(f"/declarations/batches/{batch['id']}/lines", headers=officer)
    stored = lines.json()["items"]
    assert [(line["item_no"], line["ccc_code"]) for line in stored] == [
        (1, "84571010003"),
        (2, "84571010003"),
    ]
    assert {line["declaration_date"] for line in stored} == {"2024-06-01"}  # ROC 113.06.01
    assert {line["outcome"] for line in stored} == {"auto_matched"}


async def test_an_xml_cancellation_supersedes_and_gives_the_balance_back(
    client: httpx.AsyncClient,
    officer: dict[str, str],
    db_engine: AsyncEngine,
    redis_url: str,
    settings_overrides: dict[str, Any],
) -> None:
    [item_id] = await seed_certificate(db_engine, FIRM_A)
    assert (await _post_xml(client, officer, _xml(_item(1)))).status_code == 202
    await run_worker_once(db_engine, redis_url, settings_overrides)
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(7), Decimal(3))

    cancelled = await _post_xml(client, officer, _xml(_item(1, ACTION="C")))
    assert cancelled.json()["counts"]["cancelled"] == 1
    assert cancelled.json()["counts"]["reversals"] == 1
    assert await balance_and_ledger(db_engine, item_id) == (Decimal(10), Decimal(10), Decimal(0))


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE Declarations [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    + _xml(_item(1, DESCRIPTION="&lol3;")).split("\n", 1)[1]
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE Declarations '
    '[<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + _xml(_item(1, DESCRIPTION="&xxe;")).split("\n", 1)[1]
)
# name -> (file, the problem's loc prefix and type)
BAD_UPLOADS: dict[str, tuple[str, list[Any], str]] = {
    "unknown element": (_xml(_item(1, COLOUR="red")), ["line", 17, "COLOUR"], "elements"),
    "misplaced element": (
        _xml(_item(1), extra="    <QTY>3</QTY>\n"),
        ["line", 7, "QTY"],
        "elements",
    ),
    "missing element": (
        _xml({k: v for k, v in _item(1).items() if k != "CCC_CODE"}),
        ["line", 7],
        "elements",
    ),
    "stray declaration": (
        _xml(_item(1))
        .replace("<Declaration>", "<Declaraton>", 1)
        .replace("</Declaration>", "</Declaraton>", 1),
        ["line", 3, "Declaraton"],
        "elements",
    ),
    "no item": (_xml(), ["line", 3], "elements"),
    "attribute": (
        _xml(_item(1)).replace("<QTY>", '<QTY unit="SET">'),
        ["line", 12, "QTY"],
        "elements",
    ),
    "bad CCC shape": (
        _xml(_item(1, CCC_CODE="8457.10.10.0X-3")),
        ["line", 7, "CCC_CODE"],
        "ccc_code",
    ),
    "absurd quantity": (_xml(_item(1, QTY="5000000000000")), ["line", 7, "QTY"], "less_than_equal"),
    "bad ROC date": (
        _xml(_item(1), header={**HEADER, "DECL_DATE": "113.13.45"}),
        ["line", 7, "DECL_DATE"],
        "",
    ),
    "malformed XML": (_xml(_item(1))[:-30], ["file"], "malformed"),
    "not XML": ("DECLNO,ITEM_NO\nAW13000009,1\n", ["file"], "malformed"),
    "wrong root": ("<Declaration/>", ["file"], "malformed"),
    "billion laughs": (BILLION_LAUGHS, ["file"], "entities"),
    "XXE": (XXE, ["file"], "entities"),
}


@pytest.mark.parametrize("name", sorted(BAD_UPLOADS))
async def test_a_bad_xml_file_is_refused_whole_and_changes_nothing(
    name: str, client: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    text, loc, kind = BAD_UPLOADS[name]
    # A good declaration in front: a refused file stores none of it.
    good = _xml(_item(7)).replace("AW13000009", "AW13000001")
    document = text if loc == ["file"] else _two_declarations(good, text)
    shift = 0 if loc == ["file"] else good.count("\n") - 3  # the good one's lines come first

    response = await _post_xml(client, officer, document)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    [problem, *_] = response.json()["errors"]
    expected = loc if loc == ["file"] else [loc[0], loc[1] + shift, *loc[2:]]
    assert problem["loc"][: len(expected)] == expected, problem
    assert not kind or problem["type"] == kind, problem
    assert "root:" not in response.text  # no entity was ever expanded
    assert await _stored(db_engine) == (0, 0, 0, 0)


def _two_declarations(first: str, second: str) -> str:
    """``second``'s declarations after ``first``'s, in one document."""
    head, _, rest = first.partition("</Declarations>")
    return head + second.split("<Declarations>\n", 1)[1] + rest


async def test_only_the_bad_item_lines_are_named(
    client: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    text = _xml(_item(1), _item(2, QTY="-1"), _item(3), _item(4, DOC_UM="BOGUS"))
    response = await _post_xml(client, officer, text)
    assert response.status_code == 422
    starts = [n + 1 for n, row in enumerate(text.splitlines()) if row.strip() == "<Item>"]
    named = [(e["loc"][1], e["loc"][2]) for e in response.json()["errors"]]
    assert named == [(starts[1], "QTY"), (starts[3], "DOC_UM")]
    assert await _stored(db_engine) == (0, 0, 0, 0)


async def test_an_oversize_xml_file_gets_413_and_changes_nothing(
    client: httpx.AsyncClient, officer: dict[str, str], db_engine: AsyncEngine
) -> None:
    padding = "<!--" + "x" * (50 * 1024 * 1024) + "-->"
    response = await _post_xml(client, officer, _xml(_item(1)) + padding)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert await _stored(db_engine) == (0, 0, 0, 0)


def test_more_items_than_allowed_refuse_the_file() -> None:
    parsed = parse_xml(_xml(_item(1), _item(2), _item(3)).encode(), 2)
    assert parsed.lines == []
    assert [(e.loc, e.type) for e in parsed.errors] == [(["file"], "too_many_lines")]
