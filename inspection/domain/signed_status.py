"""Signed status documents: what a public check answered, as a compact JWS (ES256, ``kid``).

A document says, for one subject (a mark ID, certificate number, CNS mark number or instrument
serial): its status, validity dates and holder as of ``checked_at``, who issued the answer, and
for how long the answer may be relied on. Claims (JWT names where they exist):
  iss, sub ("<kind>:<id>"), iat = nbf = checked_at, exp = checked_at + lifetime,
  kind, id, status, valid_from, valid_until (ISO dates or null), holder, checked_at (RFC 3339).
Header: alg ES256, typ "moea-status+jwt", kid. ``verify_status_document`` checks the signature
against a JWKS, the issuer, and nbf/exp against the caller's ``now`` (PyJWT's own clock checks are
turned off so that verification is deterministic and testable).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

import jwt

from inspection.domain.status import CertificateState, CertificateStatus
from inspection.domain.status_keys import ALGORITHM, SigningKey
from inspection.domain.taipei_time import require_aware

__all__ = [
    "DEFAULT_LIFETIME",
    "JWS_TYPE",
    "InvalidStatusDocument",
    "StatusDocument",
    "SubjectKind",
    "build_status_document",
    "sign_status_document",
    "verify_status_document",
]

JWS_TYPE = "moea-status+jwt"
# Long enough to print a listing and check it offline, short enough that a suspension shows.
DEFAULT_LIFETIME = timedelta(hours=24)
_REQUIRED_CLAIMS = ["iss", "sub", "iat", "nbf", "exp", "kind", "id", "status", "checked_at"]


class SubjectKind(StrEnum):
    """What a public check is about."""

    MARK = "mark"
    CERTIFICATE = "certificate"
    CNS_MARK = "cns_mark"
    INSTRUMENT = "instrument"


class InvalidStatusDocument(ValueError):
    """The document is malformed, tampered with, signed by an unknown key, or not current."""


@dataclass(frozen=True, slots=True)
class StatusDocument:
    """The answer of a public check, as signed."""

    issuer: str
    kind: SubjectKind
    subject_id: str
    status: CertificateStatus
    valid_from: date | None
    valid_until: date | None
    holder: str | None
    checked_at: datetime
    expires_at: datetime

    def claims(self) -> dict[str, Any]:
        """The JWT claims set."""
        issued = int(self.checked_at.timestamp())
        return {
            "iss": self.issuer,
            "sub": f"{self.kind.value}:{self.subject_id}",
            "iat": issued,
            "nbf": issued,
            "exp": int(self.expires_at.timestamp()),
            "kind": self.kind.value,
            "id": self.subject_id,
            "status": self.status.value,
            "valid_from": _iso_or_none(self.valid_from),
            "valid_until": _iso_or_none(self.valid_until),
            "holder": self.holder,
            "checked_at": self.checked_at.astimezone(UTC).isoformat(timespec="seconds"),
        }


def build_status_document(
    kind: SubjectKind,
    subject_id: str,
    state: CertificateState,
    *,
    holder: str | None,
    issuer: str,
    checked_at: datetime,
    lifetime: timedelta = DEFAULT_LIFETIME,
) -> StatusDocument:
    """The document for ``state`` as checked at ``checked_at`` (truncated to whole seconds)."""
    checked = require_aware(checked_at, "checked_at").astimezone(UTC).replace(microsecond=0)
    if lifetime <= timedelta(0):
        raise ValueError("a status document needs a positive lifetime")
    return StatusDocument(
        issuer,
        kind,
        subject_id,
        state.status,
        state.valid_from,
        state.valid_until,
        holder,
        checked,
        checked + lifetime,
    )


def sign_status_document(document: StatusDocument, key: SigningKey) -> str:
    """The compact JWS of ``document``."""
    headers = {"kid": key.kid, "typ": JWS_TYPE}
    return jwt.encode(document.claims(), key.private_key, algorithm=ALGORITHM, headers=headers)


def verify_status_document(
    token: str,
    key_set: Mapping[str, Any],
    *,
    issuer: str,
    now: datetime,
    leeway: timedelta = timedelta(seconds=60),
) -> StatusDocument:
    """The verified document; InvalidStatusDocument when any check fails."""
    require_aware(now, "now")
    try:
        claims = jwt.decode(
            token,
            _public_key(token, key_set),
            algorithms=[ALGORITHM],
            issuer=issuer,
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "require": _REQUIRED_CLAIMS,
            },
        )
    except jwt.PyJWTError as error:
        raise InvalidStatusDocument(f"status document rejected: {error}") from None
    _check_time(claims, now, leeway)
    return _document(claims)


def _public_key(token: str, key_set: Mapping[str, Any]) -> jwt.PyJWK:
    header = jwt.get_unverified_header(token)
    if header.get("alg") != ALGORITHM or header.get("typ") != JWS_TYPE:
        raise InvalidStatusDocument("not an ES256 status document")
    keys = jwt.PyJWKSet.from_dict(dict(key_set)).keys
    for key in keys:
        if key.key_id is not None and key.key_id == header.get("kid"):
            return key
    raise InvalidStatusDocument(f"no published key with kid {header.get('kid')!r}")


def _check_time(claims: Mapping[str, Any], now: datetime, leeway: timedelta) -> None:
    instant = now.timestamp()
    slack = leeway.total_seconds()
    if instant + slack < claims["nbf"]:
        raise InvalidStatusDocument("status document is not valid yet (nbf)")
    if instant - slack >= claims["exp"]:
        raise InvalidStatusDocument("status document has expired (exp); check again")


def _document(claims: Mapping[str, Any]) -> StatusDocument:
    try:
        return StatusDocument(
            issuer=claims["iss"],
            kind=SubjectKind(claims["kind"]),
            subject_id=str(claims["id"]),
            status=CertificateStatus(claims["status"]),
            valid_from=_date_or_none(claims.get("valid_from")),
            valid_until=_date_or_none(claims.get("valid_until")),
            holder=claims.get("holder"),
            checked_at=datetime.fromisoformat(claims["checked_at"]),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )
    except (TypeError, ValueError) as error:
        raise InvalidStatusDocument(f"status document claims are malformed: {error}") from None


def _iso_or_none(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date_or_none(text: object) -> date | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError("dates are ISO strings")
    return date.fromisoformat(text)
