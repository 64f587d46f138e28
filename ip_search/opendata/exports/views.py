"""Export rows as the job resource clients poll, with the URLs of the job and its file."""

from __future__ import annotations

from sqlalchemy import RowMapping

from common.exports import ExportStatus
from ip_search.opendata.exports.schemas import ExportFormat, ExportOut


def job_url(base_url: str, export_id: object) -> str:
    return f"{base_url}/open-data/exports/{export_id}"


def export_out(row: RowMapping, base_url: str) -> ExportOut:
    status = ExportStatus(row["status"])
    done = status is ExportStatus.DONE
    return ExportOut(
        id=row["id"],
        status=status,
        format=ExportFormat(row["format"]),
        query=row["query"],
        query_hash=row["query_hash"],
        data_as_of=row["data_as_of"],
        estimated_rows=row["estimated_rows"],
        rows_done=row["rows_done"],
        progress=_progress(status, row["rows_done"], row["estimated_rows"]),
        row_count=row["row_count"],
        size_bytes=row["size_bytes"],
        sha256=row["sha256"],
        error=row["error"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
        download_url=f"{job_url(base_url, row['id'])}/download" if done else None,
    )


def _progress(status: ExportStatus, rows_done: int, estimated: int) -> float:
    """Share of the estimated rows written; 1 only once done (the estimate may be short)."""
    if status in (ExportStatus.DONE, ExportStatus.EXPIRED):
        return 1.0
    if status is not ExportStatus.RUNNING or estimated <= 0:
        return 0.0
    return round(min(rows_done / estimated, 0.99), 4)
