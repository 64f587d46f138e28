"""ServiceSettings: development secrets only in development; service prefix beats MOEA_."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from common.settings import DEV_AUDIT_HMAC_KEY, DEV_PII_KEY, ServiceSettings


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TAX_EXEMPTION_")


AUDIT_KEY = "prod-audit-key-from-the-vault-4f9c"
BLIND_KEY = "prod-blind-index-key-from-the-vault-77a1"
PII_KEY = base64.b64encode(os.urandom(32)).decode()
PROPER: dict[str, Any] = {
    "audit_hmac_key": AUDIT_KEY,
    "blind_index_key": BLIND_KEY,
    "pii_keys": {"2026-01": PII_KEY},
    "pii_active_key_id": "2026-01",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("MOEA_", "TAX_EXEMPTION_")):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("environment", ["test", "staging", "production"])
def test_development_secrets_are_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="development secrets refused"):
        ServiceSettings(environment=environment)


@pytest.mark.parametrize(
    "leftover", [{"audit_hmac_key": DEV_AUDIT_HMAC_KEY}, {"pii_keys": {"2026-01": DEV_PII_KEY}}]
)
def test_one_leftover_development_secret_is_enough_to_refuse(leftover: dict[str, object]) -> None:
    with pytest.raises(ValidationError, match="development secrets refused"):
        ServiceSettings(environment="production", **{**PROPER, **leftover})


def test_proper_secrets_are_accepted_in_production() -> None:
    settings = ServiceSettings(environment="production", **PROPER)
    assert settings.audit_hmac_key.get_secret_value() == AUDIT_KEY
    assert not settings.is_development


def test_active_pii_key_must_exist_in_production() -> None:
    with pytest.raises(ValidationError, match="pii_active_key_id"):
        ServiceSettings(environment="production", **{**PROPER, "pii_active_key_id": "2025-01"})


def test_development_defaults_are_accepted_in_development() -> None:
    assert ServiceSettings().environment == "development"


def test_production_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOEA_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="development secrets refused"):
        DemoSettings()
    monkeypatch.setenv("MOEA_AUDIT_HMAC_KEY", AUDIT_KEY)
    monkeypatch.setenv("MOEA_BLIND_INDEX_KEY", BLIND_KEY)
    monkeypatch.setenv("TAX_EXEMPTION_PII_KEYS", json.dumps({"2026-01": PII_KEY}))
    monkeypatch.setenv("TAX_EXEMPTION_PII_ACTIVE_KEY_ID", "2026-01")
    assert DemoSettings().pii_active_key_id == "2026-01"


def test_service_prefix_wins_over_the_project_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOEA_DATABASE_URL", "postgresql+asyncpg://db-shared/moea")
    monkeypatch.setenv("MOEA_REDIS_URL", "redis://redis-shared:6379/0")
    monkeypatch.setenv("TAX_EXEMPTION_DATABASE_URL", "postgresql+asyncpg://db-tax/tax")
    settings = DemoSettings()
    assert settings.database_url == "postgresql+asyncpg://db-tax/tax"
    assert settings.redis_url == "redis://redis-shared:6379/0"  # falls back to MOEA_


def test_explicit_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAX_EXEMPTION_DATABASE_URL", "postgresql+asyncpg://db-tax/tax")
    settings = DemoSettings(database_url="postgresql+asyncpg://db-test/t")
    assert settings.database_url == "postgresql+asyncpg://db-test/t"


@pytest.mark.parametrize(
    "given",
    [
        "postgresql://u:p@db:5432/moea",
        "postgres://u:p@db:5432/moea",
        "postgresql+asyncpg://u:p@db:5432/moea",
    ],
)
def test_database_url_always_uses_the_asyncpg_driver(given: str) -> None:
    settings = ServiceSettings(database_url=given)
    assert settings.database_url == "postgresql+asyncpg://u:p@db:5432/moea"


def test_a_database_url_that_is_not_postgresql_is_refused() -> None:
    with pytest.raises(ValidationError):
        ServiceSettings(database_url="mysql://u:p@db/moea")
