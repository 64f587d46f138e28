"""Settings of the investment service: environment variables prefixed ``INVESTMENT_``."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class InvestmentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INVESTMENT_")

    service_name: ClassVar[str] = "investment"
    db_schema: ClassVar[str] = "investment"
