"""The development token issuer: its own EC key, for the embedded default and the tests.

Never used outside ``environment=development`` (the verifier refuses to trust it there). The key
lives in ``var/`` so ``moea token`` and ``moea serve`` (two processes) share it.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from common.auth.principal import Role

ALGORITHM = "ES256"
DEFAULT_LIFETIME_SECONDS = 3600


class DevIssuer:
    def __init__(
        self, private_key: ec.EllipticCurvePrivateKey, *, issuer: str, audience: str
    ) -> None:
        self._key = private_key
        self.issuer = issuer
        self.audience = audience
        self.kid = "dev-" + uuid.uuid5(uuid.NAMESPACE_OID, self._public_pem()).hex[:12]

    @classmethod
    def load_or_create(cls, path: Path, *, issuer: str, audience: str) -> DevIssuer:
        return cls(_load_or_create_key(path), issuer=issuer, audience=audience)

    def issue(
        self,
        role: Role,
        *,
        subject: str | None = None,
        business_id: str | None = None,
        agency: str | None = None,
        county: str | None = None,
        lifetime_seconds: int = DEFAULT_LIFETIME_SECONDS,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject or f"dev-{role}-{uuid.uuid4().hex[:8]}",
            "role": str(role),
            "iat": now,
            "exp": now + lifetime_seconds,
        }
        bindings = {"business_id": business_id, "agency": agency, "county": county}
        claims.update({name: value for name, value in bindings.items() if value})
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = ECAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "use": "sig", "alg": ALGORITHM})
        return {"keys": [jwk]}

    def _public_pem(self) -> str:
        return (
            self._key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )


def _load_or_create_key(path: Path) -> ec.EllipticCurvePrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise TypeError(f"{path} does not hold an EC private key")
        return key
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under a temporary name, then linked into place: a process starting at the
    # same moment (two replicas, serve and token) sees no file or the whole key, never a part
    # of it, and link, unlike rename, refuses to replace a key another process put there first.
    descriptor, written = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:  # mkstemp opens it 0600
            handle.write(pem)
        try:
            os.link(written, path)
        except FileExistsError:  # another process created it first: use theirs
            return _load_or_create_key(path)
    finally:
        Path(written).unlink()
    return key
