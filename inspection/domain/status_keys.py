"""The ES256 key pair that signs public status documents, and its published JWKS.

The private key stays with the service (PEM from settings); the public half is published as a
JSON Web Key Set so a marketplace can verify status documents offline. Each key carries a ``kid``
so keys can rotate: publish old and new together until old documents have expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

__all__ = ["ALGORITHM", "SigningKey", "generate_signing_key", "jwks", "load_signing_key"]

ALGORITHM = "ES256"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A P-256 private key and the key ID published with its public half."""

    kid: str
    private_key: ec.EllipticCurvePrivateKey

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK with ``kid``, ``alg`` and ``use``."""
        jwk = ECAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {**jwk, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}

    def private_pem(self) -> bytes:
        """PKCS#8 PEM, unencrypted: for settings and secrets stores, never for logs."""
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def generate_signing_key(kid: str) -> SigningKey:
    """A fresh P-256 key (ES256 requires this curve)."""
    return SigningKey(_checked_kid(kid), ec.generate_private_key(ec.SECP256R1()))


def load_signing_key(pem: bytes, kid: str) -> SigningKey:
    """A signing key from PEM; ValueError unless it is a P-256 private key."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("status documents are signed with ES256: a P-256 private key is needed")
    return SigningKey(_checked_kid(kid), key)


def jwks(*keys: SigningKey) -> dict[str, list[dict[str, Any]]]:
    """The JSON Web Key Set to publish: the public halves of ``keys``."""
    return {"keys": [key.public_jwk() for key in keys]}


def _checked_kid(kid: str) -> str:
    if not kid.strip():
        raise ValueError("a signing key needs a non-empty kid")
    return kid
