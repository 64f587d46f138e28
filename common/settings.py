"""Settings: one pydantic-settings base class, a per-service environment prefix.

Nothing reads the environment at import time: app factories and the CLI build a settings object
and pass it down. A variable with the service's prefix (``TAX_EXEMPTION_DATABASE_URL``) wins over
the project-wide one (``MOEA_DATABASE_URL``), which wins over the default.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url


def asyncpg_url(url: str) -> str:
    """The same PostgreSQL URL with the asyncpg driver: operators write ``postgresql://``."""
    parsed = make_url(url)
    if parsed.drivername.split("+")[0] not in {"postgresql", "postgres"}:
        raise ValueError("database_url must be a PostgreSQL URL")
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


Environment = Literal["development", "test", "staging", "production"]

# Development defaults: usable on a laptop, refused anywhere else (see _refuse_development_secrets).
DEV_AUDIT_HMAC_KEY = "development-only-audit-hmac-key-do-not-deploy"
DEV_PII_KEY = "ZGV2ZWxvcG1lbnQtb25seS1waWkta2V5LTMyYnl0ZXM="  # 32 bytes, base64
DEV_BLIND_INDEX_KEY = "development-only-blind-index-key-do-not-deploy"
DEVELOPMENT_SECRETS = frozenset({DEV_AUDIT_HMAC_KEY, DEV_PII_KEY, DEV_BLIND_INDEX_KEY})

PROJECT_ENV_PREFIX = "MOEA_"


class ServiceSettings(BaseSettings):
    """Settings every service shares; a service subclasses it and sets ``env_prefix``."""

    model_config = SettingsConfigDict(env_prefix=PROJECT_ENV_PREFIX, extra="ignore", frozen=True)

    service_name: ClassVar[str] = "moea"
    db_schema: ClassVar[str] = "public"

    environment: Environment = "development"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/moea"
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_max_overflow: int = Field(default=10, ge=0, le=200)
    database_read_pool_size: int = Field(default=5, ge=1, le=100)  # common.read_query
    database_statement_timeout_ms: int = Field(default=15_000, ge=100)
    redis_url: str = "redis://127.0.0.1:6379/0"

    # Auth: production verifies tokens from the agency's OIDC provider through its JWKS.
    jwks_url: str | None = None
    jwt_issuer: str = "moea-dev-issuer"
    jwt_audience: str = "moea-cloud"
    jwks_cache_seconds: int = Field(default=300, ge=10)
    dev_issuer_key_path: Path = Path("var/dev-issuer-key.pem")

    # Secrets: keys for the audit chain, personal-data encryption and blind indexes.
    audit_hmac_key: SecretStr = SecretStr(DEV_AUDIT_HMAC_KEY)
    pii_keys: dict[str, SecretStr] = Field(default_factory=lambda: {"dev1": SecretStr(DEV_PII_KEY)})
    pii_active_key_id: str = "dev1"
    blind_index_key: SecretStr = SecretStr(DEV_BLIND_INDEX_KEY)

    # HTTP edge
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"])
    rate_limit_anonymous: str = "120/minute"
    rate_limit_authenticated: str = "600/minute"
    public_cache_seconds: int = Field(default=60, ge=0)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True
    # The audit events' JSON stream for the SOC ignores log_level and log_json: off only here.
    soc_log_enabled: bool = True
    otel_enabled: bool = False

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Service prefix first, then the project-wide ``MOEA_`` prefix as a fallback."""
        project_wide = EnvSettingsSource(settings_cls, env_prefix=PROJECT_ENV_PREFIX)
        return (init_settings, env_settings, project_wide, file_secret_settings)

    @field_validator("database_url")
    @classmethod
    def _use_asyncpg(cls, url: str) -> str:
        return asyncpg_url(url)

    @model_validator(mode="after")
    def _refuse_development_secrets(self) -> Self:
        if self.environment == "development":
            return self
        in_use = [
            self.audit_hmac_key.get_secret_value(),
            self.blind_index_key.get_secret_value(),
            *(key.get_secret_value() for key in self.pii_keys.values()),
        ]
        if any(secret in DEVELOPMENT_SECRETS for secret in in_use):
            msg = f"development secrets refused in environment={self.environment!r}"
            raise ValueError(msg)
        if self.pii_active_key_id not in self.pii_keys:
            raise ValueError("pii_active_key_id names no key in pii_keys")
        return self

    @property
    def is_development(self) -> bool:
        return self.environment == "development"
