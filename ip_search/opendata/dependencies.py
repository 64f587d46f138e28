"""Request-scoped pieces of the open-data routes: storage, download context, URLs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Header, Request

from common.pii.blind_index import BlindIndex
from ip_search.opendata.downloads import DownloadContext
from ip_search.opendata.serving import FileSource
from ip_search.opendata.storage import LocalStorage
from ip_search.settings import IpSearchSettings


def _settings(request: Request) -> IpSearchSettings:
    settings: IpSearchSettings = request.app.state.settings
    return settings


# async: FastAPI runs a plain ``def`` dependency in a worker thread, a costly hop per request
async def open_data_storage(request: Request) -> LocalStorage:
    return LocalStorage(_settings(request).open_data_dir)


async def blind_index(request: Request) -> BlindIndex:
    return BlindIndex.from_settings(_settings(request))


async def download_context(request: Request) -> DownloadContext:
    settings = _settings(request)
    return DownloadContext(
        redis=request.app.state.redis,
        files=_file_source(settings),
        index=BlindIndex.from_settings(settings),
        now=datetime.now(UTC),
    )


def _file_source(settings: IpSearchSettings) -> FileSource:
    return FileSource(LocalStorage(settings.open_data_dir), settings.open_data_base_url)


async def file_source(request: Request) -> FileSource:
    return _file_source(_settings(request))


async def base_url(request: Request) -> str:
    """The service's absolute URL, mount prefix included (``/ip-search`` in the all-in-one)."""
    return str(request.base_url).rstrip("/")


StorageDep = Annotated[LocalStorage, Depends(open_data_storage)]
BlindIndexDep = Annotated[BlindIndex, Depends(blind_index)]
DownloadContextDep = Annotated[DownloadContext, Depends(download_context)]
FileSourceDep = Annotated[FileSource, Depends(file_source)]
BaseUrlDep = Annotated[str, Depends(base_url)]
ApiKeyHeader = Annotated[
    str | None, Header(alias="X-API-Key", max_length=200, description="Key of a bulk client")
]
