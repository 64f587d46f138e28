"""Adding headers to an ASGI ``http.response.start`` message in one pass over its header list.

Starlette's ``MutableHeaders`` rescans the whole list for every header it sets; the edge adds a
dozen headers to every response, so it edits the raw list once instead. Names are lower-case
bytes, as ASGI servers and Starlette responses write them.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import Message

__all__ = ["RawHeaders", "add_missing_headers", "encode_headers", "set_headers"]

RawHeaders = Sequence[tuple[bytes, bytes]]


def encode_headers(headers: dict[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple(
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    )


def set_headers(message: Message, headers: RawHeaders) -> None:
    """Add ``headers``, replacing any the response already has under the same names."""
    names = {name for name, _ in headers}
    kept = [header for header in message.get("headers", ()) if header[0] not in names]
    kept.extend(headers)
    message["headers"] = kept


def add_missing_headers(message: Message, headers: RawHeaders) -> None:
    """Add those of ``headers`` the response does not set itself: the response's own win."""
    present = list(message.get("headers", ()))
    names = {name for name, _ in present}
    present.extend(header for header in headers if header[0] not in names)
    message["headers"] = present
