"""Optimistic concurrency of filings: the ETag is the row version, checked with If-Match."""

from __future__ import annotations

from common.errors import PreconditionFailed, PreconditionRequired


def filing_etag(filing_id: int, version: int) -> str:
    return f'"filing-{filing_id}-v{version}"'


def check_if_match(if_match: str | None, etag: str, *, required: bool) -> None:
    """428 when a required If-Match is missing, 412 when it names another version."""
    if if_match is None:
        if required:
            raise PreconditionRequired("send If-Match with the ETag of the version you edited")
        return
    tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in tags and etag not in tags:
        raise PreconditionFailed("the filing changed since you read it; reload and retry")
