"""Settings of the inspection service: environment variables prefixed ``INSPECTION_``."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class InspectionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INSPECTION_")

    service_name: ClassVar[str] = "inspection"
    db_schema: ClassVar[str] = "inspection"
