"""Streaming a window of a file: chunks mapped from the page cache, each read ahead in a thread.

ASGI gives an app no socket to ``sendfile`` to, and uvicorn offers no zero-copy extension. Read
into ``bytes``, a chunk was copied twice, from the page cache into Python and from there into
the socket; the first copy was a third of a download's CPU. So a chunk is a read-only
``mmap`` of the file, populated (``MAP_POPULATE``) in a worker thread, and the server hands
the mapping itself to the socket: the kernel copies it once, as nginx's ``sendfile`` sends it
without any. Positional mappings share no file offset, the event loop never waits for the
disk, and the next chunk is mapped while the server sends the current one. At most two chunks
(8 MiB of page cache, no heap) are mapped per download, whatever the file's size; each holds
a duplicate of the file's descriptor until it is unmapped.

Chunks of 4 MiB: a chunk costs a thread hop, a mapping and an ASGI message through every
middleware. At 1 MiB these were a fifth of the CPU of a download.

A file shorter than recorded ends the stream when the chunk past its end is mapped: the
transfer is aborted, never padded. Storage never rewrites a file in place (it renames whole
files into place), so a mapped chunk cannot shrink under a send; a file truncated by hand makes
that send fail (``EFAULT``, the connection is closed), because only the kernel reads the
mapping. A server layer that copied the bytes in user space (h11's framing instead of
httptools, TLS inside the server) would instead be stopped by ``SIGBUS``.
"""

from __future__ import annotations

import asyncio
import mmap
import os
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path

from starlette.responses import StreamingResponse

from ip_search.opendata.ranges import ByteWindow

CHUNK_BYTES = 4 * 1024 * 1024

Read = asyncio.Future[memoryview | None]


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
) -> AsyncGenerator[memoryview, None]:
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
            if chunk is None:
                raise FileShrunk(f"{path} ended before byte {window.end}")
            yield chunk
    finally:
        _close_after(fd, [read for read in (current, ahead) if read is not None])


def _reads(
    loop: asyncio.AbstractEventLoop, fd: int, window: ByteWindow, chunk_bytes: int
) -> Iterator[Read]:
    """One mapping per chunk, each started only when the iterator is advanced."""
    for offset in range(window.start, window.end, chunk_bytes):
        size = min(chunk_bytes, window.end - offset)
        yield loop.run_in_executor(None, _map_exactly, fd, size, offset)


def _map_exactly(fd: int, size: int, offset: int) -> memoryview | None:
    """``size`` bytes at ``offset``, mapped and in memory, or None if the file ends before them
    (then the stream is aborted: a short body must never pass for the recorded file)."""
    start = offset - offset % mmap.ALLOCATIONGRANULARITY  # a mapping starts on that boundary
    try:
        mapped = mmap.mmap(
            fd,
            offset - start + size,
            flags=mmap.MAP_SHARED | mmap.MAP_POPULATE,
            prot=mmap.PROT_READ,
            offset=start,
        )
    except ValueError:  # "mmap length is greater than file size"
        return None
    # The view keeps the mapping, which is unmapped once the server has sent the view.
    return memoryview(mapped)[offset - start :]


def _close_after(fd: int, reads: list[Read]) -> None:
    """Close ``fd`` once no read uses it (closed earlier, its number could be reused by another
    file); a read-ahead nobody will use may fail quietly."""
    finished = asyncio.gather(*reads, return_exceptions=True)
    finished.add_done_callback(lambda _: os.close(fd))
