"""A service's own clients (``BudgetResolver``): counted apart, refused with its problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from limits import RateLimitItemPerDay
from starlette.types import Scope

from common.app_factory import ServiceDefinition, create_service_app
from common.database import ServiceRouter
from common.errors import Forbidden
from common.manifest import ServiceManifest
from common.ratelimit import ClientBudget
from common.settings import ServiceSettings
from tax_exemption.models import platform_tables

LIMITS = {"rate_limit_anonymous": "2/day", "rate_limit_authenticated": "5/day"}
TICKET = b"x-ticket"

router = ServiceRouter()
seen: list[str] = []


@router.get("/ping")
async def ping() -> dict[str, str]:
    seen.append("ping")
    return {"pong": "ok"}


async def tickets(scope: Scope) -> ClientBudget | None:
    """Clients with an ``X-Ticket`` header: "gold" gets 4 a day, anything else is refused."""
    ticket = dict(scope["headers"]).get(TICKET)
    if ticket is None:
        return None
    if ticket != b"gold":
        raise Forbidden("that ticket is not valid here")
    return ClientBudget("ticket:gold", RateLimitItemPerDay(4))


def _create_app(settings: ServiceSettings) -> FastAPI:
    definition = ServiceDefinition(
        name="budget_test",
        title="budget test",
        description="a scratch app",
        settings=settings,
        tables=platform_tables,
        routers=[router],
        rate_limit_budget=tickets,
    )
    return create_service_app(definition)


MANIFEST = ServiceManifest(
    name="budget_test",
    url_prefix="/budget-test",
    settings_class=ServiceSettings,
    create_app=_create_app,
    migrations=Path(),
    tables=platform_tables,
)


async def test_a_resolved_client_has_its_own_budget_apart_from_its_ip(
    service_client_factory: Callable[..., Any],
) -> None:
    async with service_client_factory(MANIFEST, **LIMITS) as client:
        anonymous = [(await client.get("/ping")).status_code for _ in range(3)]
        gold = [(await client.get("/ping", headers={"X-Ticket": "gold"})) for _ in range(5)]
    assert anonymous == [200, 200, 429]
    assert [response.status_code for response in gold] == [200, 200, 200, 200, 429]
    assert gold[0].headers["ratelimit-limit"] == "4"
    assert gold[0].headers["ratelimit-remaining"] == "3"


async def test_a_refusal_is_its_problem_counted_against_the_default_budget(
    service_client_factory: Callable[..., Any],
) -> None:
    seen.clear()
    async with service_client_factory(MANIFEST, **LIMITS) as client:
        refused = [await client.get("/ping", headers={"X-Ticket": "paper"}) for _ in range(3)]
        gold = await client.get("/ping", headers={"X-Ticket": "gold"})
    assert [response.status_code for response in refused] == [403, 403, 429]
    assert refused[0].headers["content-type"] == "application/problem+json"
    assert refused[0].json()["detail"] == "that ticket is not valid here"
    assert refused[0].headers["ratelimit-remaining"] == "1"
    assert gold.headers["ratelimit-remaining"] == "3"  # the refusals were not the gold ticket's
    assert seen == ["ping"]  # a refused request never reaches the route
