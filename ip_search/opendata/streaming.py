"""Streaming a window of a file without holding it in memory.

Each chunk is one ``os.pread`` in a worker thread: the event loop never blocks on the disk, and
positional reads need no shared file offset. Nothing else is buffered, so a 10 GB file costs one
chunk of memory per download.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import anyio

from ip_search.opendata.ranges import ByteWindow

CHUNK_BYTES = 256 * 1024


class FileShrunk(RuntimeError):
    """The file ended before the recorded size: the transfer is aborted, not padded."""


async def read_window(
    path: Path, window: ByteWindow, chunk_bytes: int = CHUNK_BYTES
) -> AsyncIterator[bytes]:
    fd = await anyio.to_thread.run_sync(os.open, path, os.O_RDONLY)
    try:
        offset = window.start
        while offset < window.end:
            size = min(chunk_bytes, window.end - offset)
            chunk = await anyio.to_thread.run_sync(os.pread, fd, size, offset)
            if not chunk:
                raise FileShrunk(f"{path} ended at byte {offset}")
            offset += len(chunk)
            yield chunk
    finally:
        os.close(fd)  # closing a read-only descriptor does not touch the disk
