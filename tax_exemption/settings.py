"""Settings of the tax_exemption service: environment variables prefixed ``TAX_EXEMPTION_``."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class TaxExemptionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TAX_EXEMPTION_")

    service_name: ClassVar[str] = "tax_exemption"
    db_schema: ClassVar[str] = "tax_exemption"
