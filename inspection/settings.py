"""Settings of the inspection service: environment variables prefixed ``INSPECTION_``.

The status-document signing key has a development default (like the secrets in
``common.settings``): usable on a laptop, refused in any other environment.
"""

from typing import ClassVar, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings

# A throwaway P-256 key for development only; a deployment must set INSPECTION_STATUS_SIGNING_KEY.
DEV_STATUS_SIGNING_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgujW7T1T/2s7otY/M
z9q7GjuXLRj5H240DQm66jaGkWuhRANCAAQY4+hBIyxt0nAS5TfBnTT4CVHIde66
65gmBtkbCXwD2GgSplbztrg7vOKYKJ6CfvsEaCOQ9sl4dh5qR9MAkcig
-----END PRIVATE KEY-----
"""


class InspectionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INSPECTION_")

    service_name: ClassVar[str] = "inspection"
    db_schema: ClassVar[str] = "inspection"
    # The agency owning this deployment's records (標準檢驗局): its officers read their audit
    # trails, officers of other agencies find none (inspection/trails).
    agency: str = Field(default="BSMI", pattern=r"^[A-Z][A-Z0-9_]{1,19}$")

    status_signing_key: SecretStr = SecretStr(DEV_STATUS_SIGNING_KEY)
    """PEM of the P-256 key that signs public status documents (ES256)."""
    status_signing_kid: str = Field(default="dev-status-1", min_length=1, max_length=64)
    status_issuer: str = "https://moea-cloud.example/inspection"
    """The ``iss`` of signed status documents; verifiers pin it."""
    status_document_hours: int = Field(default=24, ge=1, le=24 * 7)
    qr_base_url: str = "HTTPS://CHECK.MOEA-CLOUD.EXAMPLE"
    """Base of the URLs printed in QR codes (upper case keeps QR alphanumeric mode)."""
    public_check_cache_seconds: int = Field(default=300, ge=1)
    """Redis TTL of a public check answer; officer actions invalidate it at once."""

    @model_validator(mode="after")
    def _refuse_development_signing_key(self) -> Self:
        development_key = self.status_signing_key.get_secret_value() == DEV_STATUS_SIGNING_KEY
        if development_key and not self.is_development:
            msg = f"the development status signing key is refused in {self.environment!r}"
            raise ValueError(msg)
        return self
