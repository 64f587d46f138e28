"""Project-wide fixtures: the moea plugin (registered by the package) migrates these services."""

from __future__ import annotations

import pytest

from common.manifest import ServiceManifest
from services.registry import SERVICES


@pytest.fixture(scope="session")
def moea_manifests() -> list[ServiceManifest]:
    return list(SERVICES.values())
