"""Settings of the ip_search service: environment variables prefixed ``IP_SEARCH_``."""

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class IpSearchSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IP_SEARCH_")

    service_name: ClassVar[str] = "ip_search"
    db_schema: ClassVar[str] = "ip_search"

    search_cache_seconds: int = Field(default=300, ge=1)
    """How long a search result stays in Redis (an import makes it stale at once anyway)."""
    data_as_of_cache_seconds: float = Field(default=1.0, ge=0)
    """How long a process trusts the last import time it read."""

    open_data_dir: Path = Path("var/open-data")
    """Where open-data files live (storage keys are paths below it)."""
    open_data_base_url: str | None = None
    """When set, downloads are 302 redirects to ``{base}/{storage_key}`` on an object store."""
    open_data_upload_max_bytes: int = Field(default=1_073_741_824, ge=1)
    """Largest uploaded version (the edge's ``max_body_bytes`` caps it too)."""
