"""The QR payload printed on a mark, certificate or instrument: a short URL with the ID.

Format: ``<base>/Q/<K>/<ID>`` where K is M (mark ID), C (certificate number), N (CNS mark
certificate number) or I (instrument serial) and ID is the normalised identifier,
percent-encoded. Everything after the base is upper case letters, digits and ``/``, so with an
upper-case base (``HTTPS://CHECK.EXAMPLE.TW``, scheme and host being case-insensitive) the whole
payload fits QR alphanumeric mode, the densest one for text. Fetching the URL returns the signed
status document (see signed_status); a phone opening it gets the human page.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from inspection.domain.signed_status import SubjectKind

__all__ = ["InvalidQrPayload", "build_qr_payload", "parse_qr_payload"]

_PATH_MARKER = "Q"
_CODES: dict[SubjectKind, str] = {
    SubjectKind.MARK: "M",
    SubjectKind.CERTIFICATE: "C",
    SubjectKind.CNS_MARK: "N",
    SubjectKind.INSTRUMENT: "I",
}
_KINDS = {code: kind for kind, code in _CODES.items()}


class InvalidQrPayload(ValueError):
    """The scanned text is not one of our QR payloads."""


def build_qr_payload(base_url: str, kind: SubjectKind, subject_id: str) -> str:
    """The URL to print, e.g. ``HTTPS://CHECK.EXAMPLE.TW/Q/M/R33001``."""
    if not subject_id:
        raise ValueError("a QR payload needs an identifier")
    return f"{base_url.rstrip('/')}/{_PATH_MARKER}/{_CODES[kind]}/{quote(subject_id, safe='')}"


def parse_qr_payload(payload: str, base_url: str) -> tuple[SubjectKind, str]:
    """(kind, id) from a scanned payload issued under ``base_url``; InvalidQrPayload otherwise."""
    scanned, base = urlsplit(payload.strip()), urlsplit(base_url.rstrip("/"))
    same_origin = (scanned.scheme.lower(), scanned.netloc.lower()) == (
        base.scheme.lower(),
        base.netloc.lower(),
    )
    prefix = f"{base.path}/{_PATH_MARKER}/"
    if not same_origin or not scanned.path.upper().startswith(prefix.upper()):
        raise InvalidQrPayload("not a status QR code of this service")
    code, _, encoded = scanned.path[len(prefix) :].partition("/")
    kind = _KINDS.get(code.upper())
    if kind is None or not encoded or "/" in encoded:
        raise InvalidQrPayload("the QR code names no known subject")
    return kind, unquote(encoded)
