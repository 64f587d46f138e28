"""Public check responses: the answer, and the same answer signed."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from inspection.domain.signed_status import SubjectKind
from inspection.domain.status import CertificateStatus


class PublicCheck(BaseModel):
    """Valid or not, since when, until when, held by whom."""

    kind: SubjectKind
    id: str = Field(description="The identifier as normalised, e.g. R33001 or RC114000123")
    status: CertificateStatus
    valid: bool
    valid_from: date | None = Field(description="First day of validity (Asia/Taipei)")
    valid_until: date | None = Field(description="Last day of validity, inclusive")
    since: datetime | None = Field(description="Since when the status holds")
    holder: str | None = Field(description="The holder firm; null for a private owner")
    product: str | None = None
    certificates: list[str] = Field(
        default_factory=list, description="For a mark ID: the certificates carrying it"
    )
    as_of: date = Field(description="The Taipei date this answer is for")
    qr_payload: str = Field(description="What to print in a QR code for this subject")


class SignedStatus(BaseModel):
    """A compact JWS (ES256) a marketplace can verify offline against the published JWKS."""

    jws: str
    kid: str
    jwks_uri: str
    expires_at: datetime


class JsonWebKeySet(BaseModel):
    keys: list[dict[str, str]]
