"""A decided delivery as an HTTP response: 304, 302, or the file (200/206), streamed."""

from __future__ import annotations

import base64

from starlette.responses import RedirectResponse, Response

from ip_search.opendata.serving import Delivery
from ip_search.opendata.streaming import FileWindowResponse

# A file's bytes never change (a new file is a new version or export), so caches may keep it.
CACHE_CONTROL = "public, max-age=86400"


def _file_headers(delivery: Delivery) -> dict[str, str]:
    digest = base64.b64encode(bytes.fromhex(delivery.file.sha256)).decode()
    return {
        "Content-Disposition": f'attachment; filename="{delivery.file.filename}"',
        "Repr-Digest": f"sha-256=:{digest}:",  # RFC 9530: the whole file's digest
    }


def delivery_response(delivery: Delivery, *, head: bool) -> Response:
    headers = {"ETag": delivery.etag, "Cache-Control": CACHE_CONTROL, "Accept-Ranges": "bytes"}
    if delivery.not_modified:
        return Response(status_code=304, headers=headers)
    if delivery.location is not None:
        return RedirectResponse(delivery.location, status_code=302, headers=headers)
    window, path = delivery.window, delivery.path
    assert window is not None and path is not None  # a local delivery has both
    headers |= _file_headers(delivery) | {"Content-Length": str(window.length)}
    if window.partial:
        headers["Content-Range"] = window.content_range
    status = 206 if window.partial else 200
    media_type = delivery.file.media_type
    if head:
        return Response(status_code=status, headers=headers, media_type=media_type)
    return FileWindowResponse(
        path, window, status_code=status, headers=headers, media_type=media_type
    )
