"""Rows to response models: the one place that knows how a version's download URL is built."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import RowMapping

from ip_search.opendata.schemas import (
    LICENCE_URL,
    DatasetOut,
    DatasetSummary,
    FieldSpec,
    UpdateFrequency,
    VersionOut,
)


def download_url(base_url: str, dataset_id: str, version: int) -> str:
    return f"{base_url}/open-data/datasets/{dataset_id}/versions/{version}/download"


def dataset_summary(row: RowMapping) -> DatasetSummary:
    return DatasetSummary(
        id=row["id"],
        title_zh=row["title_zh"],
        title_en=row["title_en"],
        description_zh=row["description_zh"],
        description_en=row["description_en"],
        publisher=row["publisher"],
        licence=row["licence"],
        licence_url=LICENCE_URL,
        update_frequency=UpdateFrequency(row["update_frequency"]),
        keywords=list(row["keywords"]),
        fields=[FieldSpec.model_validate(field) for field in row["fields"]],
        media_type=row["media_type"],
        latest_version=row["latest_version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def version_out(row: RowMapping, base_url: str, downloads: int = 0) -> VersionOut:
    return VersionOut(
        version=row["version"],
        sha256=row["sha256"],
        size_bytes=row["size_bytes"],
        row_count=row["row_count"],
        media_type=row["media_type"],
        change_note=row["change_note"],
        created_at=row["created_at"],
        download_url=download_url(base_url, row["dataset_id"], row["version"]),
        downloads=downloads,
    )


def dataset_out(
    row: RowMapping, versions: Sequence[RowMapping], counts: Mapping[int, int], base_url: str
) -> DatasetOut:
    summary = dataset_summary(row)
    items = [version_out(v, base_url, counts.get(v["version"], 0)) for v in versions]
    return DatasetOut(**summary.model_dump(), versions=items)
