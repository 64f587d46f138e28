"""Settings of the ip_search service: environment variables prefixed ``IP_SEARCH_``."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class IpSearchSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IP_SEARCH_")

    service_name: ClassVar[str] = "ip_search"
    db_schema: ClassVar[str] = "ip_search"
