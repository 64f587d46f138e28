"""Filing-session tokens: short-lived, HMAC-signed, scoped to one return (factory + campaign).

``fs1.<return id>.<survey year>.<expiry, unix seconds>.<signature>``; the signature is
HMAC-SHA256 over the rest under ``filing_token_key``. Verifying needs no database read, so the
season's peak costs no extra round trip per request. Sent in the ``Filing-Token`` header (the
``Authorization`` header belongs to the agency's identity provider).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from common.errors import Unauthorized

PREFIX = "fs1"
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True, slots=True)
class FilingSession:
    return_id: int
    survey_year: int
    expires_at: int

    @property
    def subject(self) -> str:
        """Who the audit trail and idempotency keys name: the return's filing session."""
        return f"filing-session:{self.return_id}"


class FilingTokens:
    def __init__(self, key: bytes, lifetime_seconds: int) -> None:
        self._key = key
        self.lifetime_seconds = lifetime_seconds

    def issue(
        self, return_id: int, survey_year: int, *, now: float | None = None
    ) -> tuple[str, int]:
        expires_at = int(now if now is not None else time.time()) + self.lifetime_seconds
        body = f"{PREFIX}.{return_id}.{survey_year}.{expires_at}"
        return f"{body}.{self._sign(body)}", expires_at

    def verify(self, token: str, *, now: float | None = None) -> FilingSession:
        session = self._parse(token)
        if session.expires_at < (now if now is not None else time.time()):
            raise Unauthorized("the filing session has expired; redeem a new invitation")
        return session

    def _parse(self, token: str) -> FilingSession:
        body, _, signature = token.rpartition(".")
        parts = body.split(".")
        if len(token) > MAX_TOKEN_LENGTH or len(parts) != 4 or parts[0] != PREFIX:
            raise Unauthorized("not a filing-session token")
        if not hmac.compare_digest(signature, self._sign(body)):
            raise Unauthorized("the filing-session token is not valid")
        try:
            return FilingSession(int(parts[1]), int(parts[2]), int(parts[3]))
        except ValueError:
            raise Unauthorized("not a filing-session token") from None

    def _sign(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
