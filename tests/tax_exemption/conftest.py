"""Fixtures of the tax_exemption API tests: a running app, tokens, a sample filing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from tax_exemption.app import MANIFEST

FIRM_A = "04595257"
FIRM_B = "10458575"
BROKER = "88117125"
AGENCY = "IDA"
OTHER_AGENCY = "BSMI"


@pytest.fixture
async def client(service_client_factory: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with service_client_factory(MANIFEST) as http:
        yield http


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


@pytest.fixture
def firm_a(token: Callable[..., str]) -> dict[str, str]:
    return bearer(token("firm", business_id=FIRM_A, subject="firm-a-clerk"))


@pytest.fixture
def firm_b(token: Callable[..., str]) -> dict[str, str]:
    return bearer(token("firm", business_id=FIRM_B, subject="firm-b-clerk"))


@pytest.fixture
def broker(token: Callable[..., str]) -> dict[str, str]:
    return bearer(token("firm", business_id=BROKER, subject="broker-clerk"))


@pytest.fixture
def officer(token: Callable[..., str]) -> dict[str, str]:
    return bearer(token("officer", agency=AGENCY, subject="officer-lin"))


@pytest.fixture
def foreign_officer(token: Callable[..., str]) -> dict[str, str]:
    """An officer of another agency (BSMI): none of IDA's cases exist for them."""
    return bearer(token("officer", agency=OTHER_AGENCY, subject="officer-chen"))


def item(n: int, **changes: Any) -> dict[str, Any]:
    base = {
        "ccc_code": f"8457.10.10.{n:02d}-3",
        "description": f"立式綜合加工機 VERTICAL MACHINING CENTER {n}",
        "model": f"VF-{n}SS",
        "spec": "X軸行程 762MM",
        "quantity": "10",
        "unit": "SET",
        "unit_value": "125000.00",
        "currency": "USD",
        "origin_country": "US",
        "purpose": "自用生產設備",
    }
    return {**base, **changes}


def filing_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "duty_exemption",
        "purpose": "擴充產線",
        "contact": {"name": "王小明", "phone": "02-2345-6789", "email": "wang@example.com.tw"},
        "items": [item(1), item(2), item(3)],
        "attachments": [
            {
                "name": "型錄.pdf",
                "media_type": "application/pdf",
                "size_bytes": 123456,
                "sha256": "a" * 64,
            }
        ],
    }
    return {**body, **changes}
