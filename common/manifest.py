"""What a service tells the composition layer about itself (exported by its ``app.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from common.platform_tables import PlatformTables
from common.settings import ServiceSettings


@dataclass(frozen=True, slots=True)
class ServiceManifest:
    name: str  # python package and schema name, e.g. "tax_exemption"
    url_prefix: str  # where the ingress and the all-in-one app mount it, e.g. "/tax-exemption"
    settings_class: type[ServiceSettings]
    create_app: Callable[[Any], FastAPI]
    migrations: Path  # the Alembic script location
    tables: PlatformTables
    jobs: tuple[Callable[..., Any], ...] = field(default=())  # worker functions it contributes

    def settings(self, **overrides: Any) -> ServiceSettings:
        return self.settings_class(**overrides)
