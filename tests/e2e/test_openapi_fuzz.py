"""Schemathesis against each service's own OpenAPI document, through ASGI on real backends.

Every operation gets valid and invalid requests, each sent anonymously or with a token of one
of the roles (so both the auth edge and the code behind it are reached). Checks: no 5xx, the
status code is documented, and the response matches its documented schema.

Schemathesis serves the app from its own event-loop thread and runs the app's lifespan there
(started with the first request, stopped by its pytest plugin when the test ends), so the app's
engine and Redis client live in that loop. The test itself is therefore synchronous.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from services.registry import SERVICES

EXAMPLES_PER_ROLE = 10  # per operation: six callers, so 60 requests an operation at most
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _callers(token: Callable[..., str], agency: str) -> dict[str, dict[str, str]]:
    """Headers of each kind of caller. Anonymous: schemathesis sends its own made-up tokens. The
    officer is of the service's own agency: another's is refused before the code is reached."""
    tokens = {
        "firm": token("firm", business_id="04595257"),
        "officer": token("officer", agency=agency),
        "surveyor": token("surveyor", county="63000"),
        "operator": token("operator"),
        "admin": token("admin"),
    }
    callers = {role: {"Authorization": f"Bearer {value}"} for role, value in tokens.items()}
    return {**callers, "anonymous": {}}


def _fuzz_operation(operation: Any, headers: dict[str, str]) -> None:
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    # One caller per run (not sampled per case): Hypothesis would favour the first caller.
    @given(case=cases)
    @settings(
        max_examples=EXAMPLES_PER_ROLE,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()


@pytest.mark.fuzz
@pytest.mark.parametrize("name", list(SERVICES))
def test_service_openapi_survives_fuzzing(
    name: str,
    settings_overrides: dict[str, Any],
    clean_backends: None,
    token: Callable[..., str],
) -> None:
    manifest = SERVICES[name]
    # A budget no fuzz run exhausts: 429s would only hide the routes behind the limiter.
    overrides = {
        **settings_overrides,
        "rate_limit_anonymous": "1000000/minute",
        "rate_limit_authenticated": "1000000/minute",
    }
    service_settings = manifest.settings(**overrides)
    app = manifest.create_app(service_settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), f"{name} documents an invalid operation"
    assert operations, f"{name} documents no operations"
    callers = _callers(token, service_settings.model_dump()["agency"]).values()
    for operation in operations:
        for headers in callers:
            _fuzz_operation(operation, headers)
