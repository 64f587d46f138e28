"""Settings of the investment service: environment variables prefixed ``INVESTMENT_``."""

from typing import ClassVar, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings

DEV_FILING_SESSION_KEY = "development-only-filing-session-key-do-not-deploy"
DEV_INVITATION_KEY = "development-only-invitation-key-do-not-deploy"


class InvestmentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INVESTMENT_")

    service_name: ClassVar[str] = "investment"
    db_schema: ClassVar[str] = "investment"
    # The agency owning this deployment's records (產業發展署): its officers read their audit
    # trails, county surveyors those of their county's returns (investment/trails).
    agency: str = Field(default="IDA", pattern=r"^[A-Z][A-Z0-9_]{1,19}$")

    # Keys of the filing path: the HMAC that signs filing-session tokens and the keyed hash
    # under which invitation codes are stored (a database dump alone cannot redeem a code).
    filing_token_key: SecretStr = SecretStr(DEV_FILING_SESSION_KEY)
    invitation_hash_key: SecretStr = SecretStr(DEV_INVITATION_KEY)
    filing_token_seconds: int = Field(default=4 * 3600, ge=60, le=7 * 24 * 3600)
    invitation_days: int = Field(default=120, ge=1, le=730)
    # Failed invitation redemptions allowed per client IP per window, before 429.
    invitation_failures_per_window: int = Field(default=10, ge=1)
    invitation_failure_window_seconds: int = Field(default=900, ge=10)
    public_read_cache_seconds: int = Field(default=300, ge=1)

    @model_validator(mode="after")
    def _refuse_development_filing_keys(self) -> Self:
        if self.is_development:
            return self
        in_use = {
            self.filing_token_key.get_secret_value(),
            self.invitation_hash_key.get_secret_value(),
        }
        if in_use & {DEV_FILING_SESSION_KEY, DEV_INVITATION_KEY}:
            msg = f"development filing keys refused in environment={self.environment!r}"
            raise ValueError(msg)
        return self
