"""Streaming a window of a file: large positional reads, each overlapping the previous send.

ASGI gives an app no socket to ``sendfile`` to, and uvicorn offers no zero-copy extension, so
the bytes pass through Python once. What keeps that cheap: 1 MiB ``os.pread`` calls in worker
threads (the event loop never blocks on the disk, and positional reads share no file offset),
so a chunk costs one thread hop and one ASGI message; and read-ahead: the next chunk is read
while the server sends the current one, so the socket is not left idle while the disk is read.
At most two chunks are held per download, whatever the file's size.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path

from starlette.responses import StreamingResponse

from ip_search.opendata.ranges import ByteWindow

CHUNK_BYTES = 1024 * 1024

Read = asyncio.Future[bytes]


class FileShrunk(RuntimeError):
    """The file ended before the recorded size: the transfer is aborted, not padded."""


class FileWindowResponse(StreamingResponse):
    """``window`` of the file at ``path`` as the body (its headers are set by the caller).

    Starlette's ``StreamingResponse`` stops the reads as soon as the client disconnects.
    """

    def __init__(
        self,
        path: Path,
        window: ByteWindow,
        *,
        status_code: int,
        headers: dict[str, str],
        media_type: str,
    ) -> None:
        super().__init__(
            read_window(path, window),
            status_code=status_code,
            headers=headers,
            media_type=media_type,
        )


async def read_window(
    path: Path, window: ByteWindow, chunk_bytes: int = CHUNK_BYTES
) -> AsyncGenerator[bytes, None]:
    loop = asyncio.get_running_loop()
    fd = await loop.run_in_executor(None, os.open, path, os.O_RDONLY)
    reads = _reads(loop, fd, window, chunk_bytes)
    current: Read | None = None
    ahead = next(reads, None)
    try:
        while ahead is not None:
            current, ahead = ahead, next(reads, None)  # the next read runs during this send
            # Shielded: if the client goes away meanwhile, the read still ends before fd closes.
            chunk = await asyncio.shield(current)
            if not chunk:
                raise FileShrunk(f"{path} ended before byte {window.end}")
            yield chunk
    finally:
        _close_after(fd, [read for read in (current, ahead) if read is not None])


def _reads(
    loop: asyncio.AbstractEventLoop, fd: int, window: ByteWindow, chunk_bytes: int
) -> Iterator[Read]:
    """One read per chunk, each started only when the iterator is advanced."""
    for offset in range(window.start, window.end, chunk_bytes):
        size = min(chunk_bytes, window.end - offset)
        yield loop.run_in_executor(None, _read_exactly, fd, size, offset)


def _read_exactly(fd: int, size: int, offset: int) -> bytes:
    """``size`` bytes at ``offset``, or nothing if the file ends before them (then the stream
    is aborted: a short body must never pass for the recorded file)."""
    chunk = os.pread(fd, size, offset)
    while 0 < len(chunk) < size:
        more = os.pread(fd, size - len(chunk), offset + len(chunk))
        if not more:
            break
        chunk += more
    return chunk if len(chunk) == size else b""


def _close_after(fd: int, reads: list[Read]) -> None:
    """Close ``fd`` once no read uses it (closed earlier, its number could be reused by another
    file); a read-ahead nobody will use may fail quietly."""
    finished = asyncio.gather(*reads, return_exceptions=True)
    finished.add_done_callback(lambda _: os.close(fd))
