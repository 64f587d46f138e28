"""The ETag of a return is its id and version: every write bumps the version."""

from __future__ import annotations

from common.errors import PreconditionFailed, PreconditionRequired


def return_etag(return_id: int, version: int) -> str:
    return f'"r{return_id}-v{version}"'


def expected_version(if_match: str | None, return_id: int, *, required: bool) -> int | None:
    """The version the client last read, from ``If-Match``; 428 when required and absent."""
    if if_match is None:
        if required:
            raise PreconditionRequired("send If-Match with the ETag you last read")
        return None
    tag = if_match.strip().removeprefix("W/")
    prefix = f'"r{return_id}-v'
    if not (tag.startswith(prefix) and tag.endswith('"') and tag[len(prefix) : -1].isdigit()):
        raise PreconditionFailed("If-Match does not name a version of this return")
    return int(tag[len(prefix) : -1])
