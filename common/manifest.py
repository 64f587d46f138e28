"""What a service tells the composition layer about itself (exported by its ``app.py``)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from common.pii.columns import EncryptedColumn
from common.platform_tables import PlatformTables
from common.settings import ServiceSettings

if TYPE_CHECKING:  # type only: importing a manifest does not load the job machinery
    from common.jobs.messages import OutboxHandler
    from common.jobs.schedule import ScheduledJob


@dataclass(frozen=True, slots=True)
class ServiceManifest:
    name: str  # python package and schema name, e.g. "tax_exemption"
    url_prefix: str  # where the ingress and the all-in-one app mount it, e.g. "/tax-exemption"
    settings_class: type[ServiceSettings]
    create_app: Callable[[Any], FastAPI]
    migrations: Path  # the Alembic script location
    tables: PlatformTables
    jobs: tuple[Callable[..., Any], ...] = field(default=())  # worker functions it contributes
    # chores the worker runs on a schedule for this service, e.g. daily renewal reminders
    scheduled: tuple[ScheduledJob, ...] = field(default=())
    # outbox topic -> handler run by the worker, e.g. {"filing.approved": notify_firm}
    outbox_handlers: Mapping[str, OutboxHandler] = field(default_factory=dict)
    # personal data encrypted with common.pii, re-encrypted by `moea reencrypt-pii`
    encrypted_columns: tuple[EncryptedColumn, ...] = field(default=())
    # `moea serve` calls it with the database URL after migrating: fills an empty service with
    # demo data (and does nothing when data is there)
    demo_seed: Callable[[str], Coroutine[Any, Any, object]] | None = None

    def settings(self, **overrides: Any) -> ServiceSettings:
        return self.settings_class(**overrides)
