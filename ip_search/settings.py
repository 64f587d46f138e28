"""Settings of the ip_search service: environment variables prefixed ``IP_SEARCH_``."""

from pathlib import Path
from typing import ClassVar, Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class IpSearchSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IP_SEARCH_")

    service_name: ClassVar[str] = "ip_search"
    db_schema: ClassVar[str] = "ip_search"
    # The agency owning this deployment's records (智慧財產局): its officers read their audit
    # trails, officers of other agencies find none (ip_search/trails).
    agency: str = Field(default="TIPO", pattern=r"^[A-Z][A-Z0-9_]{1,19}$")

    search_cache_seconds: int = Field(default=300, ge=1)
    """How long a search result stays in Redis (an import makes it stale at once anyway)."""
    data_as_of_cache_seconds: float = Field(default=1.0, ge=0)
    """How long a process trusts the last import time it read."""

    search_backend: Literal["postgres", "opensearch"] = "postgres"
    """Where trademark search finds its candidates; ranking is the same on both."""
    search_resident_index: bool = True
    """With the postgres backend: each process keeps the similar search's key postings and
    cards in memory (``ip_search.search.resident``; about 0.7 GB per million marks) and reads
    them again after every import. Off: every search reads PostgreSQL."""
    search_resident_reload_spread_seconds: float = Field(default=60.0, ge=0, le=3600)
    """After an import, each process reads its resident index again after a random delay of up
    to this long, so the replicas' loads (PostgreSQL CPU) do not all run at once."""
    opensearch_url: SecretStr | None = None
    """The OpenSearch cluster, credentials included (``https://user:password@host:9200``):
    needed by the opensearch backend and by ``moea ip-search reindex``."""
    opensearch_index: str = Field(
        default="ip-search-trademarks", pattern=r"^[a-z][a-z0-9_-]{0,99}$"
    )
    """The alias searches read; a full reindex builds ``{alias}-<timestamp>`` behind it."""
    opensearch_replicas: int = Field(default=1, ge=0, le=10)
    """Replicas of the search index (0 on a one-node cluster)."""
    opensearch_timeout_seconds: float = Field(default=5.0, gt=0, le=60)

    watches_per_firm: int = Field(default=100, ge=1)
    """How many trademark watches one firm may keep."""
    watch_webhook_timeout_s: float = Field(default=10.0, gt=0)
    """How long a watch alert's webhook POST may take before it counts as failed."""

    open_data_dir: Path = Path("var/open-data")
    """Where open-data files live (storage keys are paths below it)."""
    open_data_base_url: str | None = None
    """When set, downloads are 302 redirects to ``{base}/{storage_key}`` on an object store."""
    open_data_upload_max_bytes: int = Field(default=1_073_741_824, ge=1)
    """Largest uploaded version (the edge's ``max_body_bytes`` caps it too)."""
    open_data_export_max_rows: int = Field(default=1_000_000, ge=1)
    """Most rows one filtered export may hold: a request matching more is refused."""
    open_data_exports_per_client: int = Field(default=3, ge=1)
    """How many unfinished exports one client (API key, user or IP address) may have."""
    open_data_export_retention_hours: int = Field(default=168, ge=1)
    """How long a finished export's file is kept before it is deleted (the job says expired)."""

    @model_validator(mode="after")
    def _opensearch_needs_its_url(self) -> Self:
        if self.search_backend == "opensearch" and self.opensearch_url is None:
            raise ValueError("search_backend=opensearch needs opensearch_url")
        return self
