"""Settings of the tax_exemption service: environment variables prefixed ``TAX_EXEMPTION_``."""

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class TaxExemptionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TAX_EXEMPTION_")

    service_name: ClassVar[str] = "tax_exemption"
    db_schema: ClassVar[str] = "tax_exemption"

    # The agency whose officers decide the filings (產業發展署): every case is routed to it, and
    # officers of other agencies find none of them (tax_exemption/agency.py).
    agency: str = Field(default="IDA", pattern=r"^[A-Z][A-Z0-9_]{1,19}$")
    certificate_prefix: str = Field(default="IDA", pattern=r"^[A-Z]{1,6}$")

    # Declaration uploads: lines per batch (the body limit caps the bytes).
    max_batch_lines: int = Field(default=5000, ge=1, le=100_000)

    # Notification channels (the worker delivers them).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_sender: str = "noreply@ida.example.gov.tw"
    smtp_timeout_s: float = Field(default=10.0, gt=0)
    line_api_base: str = "https://api.line.me"
    line_channel_token: SecretStr = SecretStr("")
    http_timeout_s: float = Field(default=10.0, gt=0)
