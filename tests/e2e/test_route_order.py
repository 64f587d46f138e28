"""Each service's routes are tried before the platform's: none of them may shadow a platform
path (health, metrics, docs, audit), or that path would answer with the service's route."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.routing import compile_path

from common.manifest import ServiceManifest
from services.registry import SERVICES

PLATFORM_PATHS = (
    "/livez",
    "/healthz",
    "/readyz",
    "/metrics",
    "/docs",
    "/openapi.json",
    "/docs-assets/swagger-ui-bundle.js",
    "/audit/trail/certificate/1",
)
PLATFORM_TEMPLATES = {"/livez", "/healthz", "/readyz", "/audit/trail/{record_type}/{record_id}"}


@pytest.mark.parametrize("manifest", SERVICES.values(), ids=list(SERVICES))
def test_no_service_route_shadows_a_platform_path(
    manifest: ServiceManifest, settings_overrides: dict[str, Any]
) -> None:
    app = manifest.create_app(manifest.settings(**settings_overrides))
    templates = [path for path in app.openapi()["paths"] if path not in PLATFORM_TEMPLATES]
    assert templates, "the service documents no routes of its own"

    shadowing = {
        path: [template for template in templates if compile_path(template)[0].match(path)]
        for path in PLATFORM_PATHS
    }

    assert not any(shadowing.values()), shadowing
