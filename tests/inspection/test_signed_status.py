"""Signed status documents: verify offline with the JWKS; tampering, wrong keys and age fail."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from inspection.domain.qr_payload import InvalidQrPayload, build_qr_payload, parse_qr_payload
from inspection.domain.signed_status import (
    InvalidStatusDocument,
    SubjectKind,
    build_status_document,
    sign_status_document,
    verify_status_document,
)
from inspection.domain.status import CertificateState, CertificateStatus
from inspection.domain.status_keys import generate_signing_key, jwks, load_signing_key

ISSUER = "https://inspection.moea.example.tw"
CHECKED = datetime(2025, 5, 1, 4, 0, 0, 123456, tzinfo=UTC)
KEY = generate_signing_key("bsmi-2025-05")
STATE = CertificateState(CertificateStatus.SUSPENDED, date(2024, 1, 1), date(2026, 12, 31), CHECKED)
NO_LEEWAY = timedelta(0)


def signed(lifetime: timedelta = timedelta(hours=1)) -> str:
    document = build_status_document(
        SubjectKind.MARK,
        "R33001",
        STATE,
        holder="台灣電器股份有限公司",
        issuer=ISSUER,
        checked_at=CHECKED,
        lifetime=lifetime,
    )
    return sign_status_document(document, KEY)


def verify(token: str, *, now: datetime = CHECKED, key_set: object = None) -> object:
    keys = jwks(KEY) if key_set is None else key_set
    assert isinstance(keys, dict)
    return verify_status_document(token, keys, issuer=ISSUER, now=now, leeway=NO_LEEWAY)


def test_a_signed_document_verifies_against_the_published_jwks() -> None:
    document = verify_status_document(signed(), jwks(KEY), issuer=ISSUER, now=CHECKED)
    assert document.status is CertificateStatus.SUSPENDED
    assert (document.kind, document.subject_id) == (SubjectKind.MARK, "R33001")
    assert (document.valid_from, document.valid_until) == (date(2024, 1, 1), date(2026, 12, 31))
    assert document.holder == "台灣電器股份有限公司"
    assert document.checked_at == CHECKED.replace(microsecond=0)
    assert document.expires_at == CHECKED.replace(microsecond=0) + timedelta(hours=1)


def test_header_carries_kid_and_type_and_claims_the_subject() -> None:
    token = signed()
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "ES256", "kid": "bsmi-2025-05", "typ": "moea-status+jwt"}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "mark:R33001" and claims["status"] == "suspended"
    assert claims["nbf"] == claims["iat"] and claims["exp"] - claims["iat"] == 3600


def _tamper_payload(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["status"] = "valid"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _tamper_signature(token: str) -> str:
    header, payload, signature = token.split(".")
    flipped = ("A" if signature[10] != "A" else "B").join((signature[:10], signature[11:]))
    return f"{header}.{payload}.{flipped}"


@pytest.mark.parametrize("tamper", [_tamper_payload, _tamper_signature])
def test_tampered_documents_fail(tamper: object) -> None:
    assert callable(tamper)
    with pytest.raises(InvalidStatusDocument, match="rejected"):
        verify(tamper(signed()))


def test_a_key_with_the_same_kid_but_other_material_fails() -> None:
    impostor = generate_signing_key("bsmi-2025-05")
    with pytest.raises(InvalidStatusDocument, match="rejected"):
        verify(signed(), key_set=jwks(impostor))


def test_an_unknown_kid_fails() -> None:
    with pytest.raises(InvalidStatusDocument, match="no published key"):
        verify(signed(), key_set=jwks(generate_signing_key("other")))


def test_rotation_publishes_both_keys() -> None:
    assert verify(signed(), key_set=jwks(generate_signing_key("next"), KEY)) is not None


def test_expired_document_fails_at_exp_and_passes_just_before() -> None:
    token = signed(lifetime=timedelta(minutes=5))
    start = CHECKED.replace(microsecond=0)
    assert verify(token, now=start + timedelta(minutes=5) - timedelta(seconds=1)) is not None
    with pytest.raises(InvalidStatusDocument, match="expired"):
        verify(token, now=start + timedelta(minutes=5))


def test_document_is_not_valid_before_nbf_unless_within_leeway() -> None:
    token = signed()
    early = CHECKED.replace(microsecond=0) - timedelta(seconds=30)
    with pytest.raises(InvalidStatusDocument, match="not valid yet"):
        verify(token, now=early)
    assert verify_status_document(
        token, jwks(KEY), issuer=ISSUER, now=early, leeway=timedelta(seconds=60)
    )


def test_other_issuer_and_unsigned_tokens_fail() -> None:
    with pytest.raises(InvalidStatusDocument):
        verify_status_document(signed(), jwks(KEY), issuer="https://evil.example", now=CHECKED)
    unsigned = jwt.encode({"iss": ISSUER}, key="", algorithm="none")
    with pytest.raises(InvalidStatusDocument):
        verify(unsigned)
    with pytest.raises(InvalidStatusDocument):
        verify("not-a-token")


def test_signing_key_survives_a_pem_round_trip_and_refuses_other_curves() -> None:
    reloaded = load_signing_key(KEY.private_pem(), "bsmi-2025-05")
    assert reloaded.public_jwk() == KEY.public_jwk()
    other = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError, match="P-256"):
        load_signing_key(other, "x")


def test_naive_check_time_and_non_positive_lifetime_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_status_document(
            SubjectKind.MARK,
            "R1",
            STATE,
            holder=None,
            issuer=ISSUER,
            checked_at=datetime(2025, 1, 1),
        )
    with pytest.raises(ValueError, match="positive lifetime"):
        build_status_document(
            SubjectKind.MARK,
            "R1",
            STATE,
            holder=None,
            issuer=ISSUER,
            checked_at=CHECKED,
            lifetime=timedelta(0),
        )


BASE = "HTTPS://CHECK.BSMI.EXAMPLE.TW"


@pytest.mark.parametrize(
    ("kind", "subject", "payload"),
    [
        (SubjectKind.MARK, "R33001", f"{BASE}/Q/M/R33001"),
        (SubjectKind.CERTIFICATE, "RC114000123", f"{BASE}/Q/C/RC114000123"),
        (SubjectKind.CNS_MARK, "01234", f"{BASE}/Q/N/01234"),
        (SubjectKind.INSTRUMENT, "AB 12/3", f"{BASE}/Q/I/AB%2012%2F3"),
    ],
)
def test_qr_payload_round_trips(kind: SubjectKind, subject: str, payload: str) -> None:
    assert build_qr_payload(BASE + "/", kind, subject) == payload
    assert parse_qr_payload(payload, BASE) == (kind, subject)


def test_qr_payload_for_marks_fits_alphanumeric_mode() -> None:
    payload = build_qr_payload(BASE, SubjectKind.MARK, "R33001")
    assert set(payload) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def test_qr_payload_parsing_ignores_case_of_scheme_host_and_codes() -> None:
    scanned = "https://check.bsmi.example.tw/q/m/R33001"
    assert parse_qr_payload(scanned, BASE) == (SubjectKind.MARK, "R33001")


@pytest.mark.parametrize(
    "payload",
    [
        "https://evil.example/Q/M/R33001",
        f"{BASE}/X/M/R33001",
        f"{BASE}/Q/Z/R33001",
        f"{BASE}/Q/M/",
        f"{BASE}/Q/M/R33001/extra",
        "R33001",
    ],
)
def test_foreign_or_malformed_qr_payloads_are_refused(payload: str) -> None:
    with pytest.raises(InvalidQrPayload):
        parse_qr_payload(payload, BASE)
