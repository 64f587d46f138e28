"""Streaming a byte window with read-ahead: exact bytes, a shrunk file aborts, no fd leaks."""

from __future__ import annotations

import asyncio
import contextlib
import random
from pathlib import Path

import pytest

from ip_search.opendata.ranges import ByteWindow, whole
from ip_search.opendata.streaming import FileShrunk, read_window

CHUNK = 64 * 1024
SIZE = 5 * CHUNK + 123  # several chunks, the last one short


@pytest.fixture
def payload(tmp_path: Path) -> tuple[Path, bytes]:
    data = random.Random(5).randbytes(SIZE)
    path = tmp_path / "file.bin"
    path.write_bytes(data)
    return path, data


def descriptors_of(path: Path) -> int:
    """How many of this process's open descriptors are ``path`` (Linux ``/proc``)."""
    count = 0
    for descriptor in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone by now
            count += descriptor.readlink() == path
    return count


async def collect(path: Path, window: ByteWindow) -> list[bytes]:
    return [bytes(chunk) async for chunk in read_window(path, window, CHUNK)]


async def test_every_window_is_byte_exact_across_chunks(payload: tuple[Path, bytes]) -> None:
    path, data = payload
    chunks = await collect(path, whole(SIZE))
    assert b"".join(chunks) == data
    assert [len(chunk) for chunk in chunks] == [CHUNK] * 5 + [123]
    for start, end in ((0, 1), (CHUNK - 1, CHUNK + 1), (100, SIZE), (SIZE - 7, SIZE)):
        window = ByteWindow(start, end, SIZE, partial=True)
        assert b"".join(await collect(path, window)) == data[start:end]


async def test_a_file_shorter_than_recorded_aborts_the_stream(
    payload: tuple[Path, bytes],
) -> None:
    path, data = payload
    path.write_bytes(data[: 2 * CHUNK + 10])
    received: list[bytes] = []
    with pytest.raises(FileShrunk):
        async for chunk in read_window(path, whole(SIZE), CHUNK):
            received.append(bytes(chunk))
    assert b"".join(received) == data[: 2 * CHUNK]  # whole chunks only, never padding


async def test_a_client_leaving_early_closes_the_file(payload: tuple[Path, bytes]) -> None:
    path, _ = payload
    stream = read_window(path, whole(SIZE), CHUNK)
    assert len(await anext(stream)) == CHUNK  # the next chunk's read is already under way
    for _ in range(50):  # its worker thread maps it meanwhile (under load, not at once)
        if descriptors_of(path) == 3:
            break
        await asyncio.sleep(0.01)
    assert descriptors_of(path) == 3  # the file's, and each mapped chunk's duplicate
    await stream.aclose()
    for _ in range(50):  # the descriptor closes once that read has finished
        if descriptors_of(path) == 0:
            break
        await asyncio.sleep(0.01)
    assert descriptors_of(path) == 0


async def test_a_file_shrinking_during_the_stream_aborts_it(payload: tuple[Path, bytes]) -> None:
    path, data = payload
    stream = read_window(path, whole(SIZE), CHUNK)
    received = [bytes(await anext(stream))]
    # Cut behind the chunk already mapped ahead: only the chunks after it are past the end.
    with path.open("r+b") as handle:
        handle.truncate(2 * CHUNK + 10)
    with pytest.raises(FileShrunk):
        async for chunk in stream:
            received.append(bytes(chunk))
    assert b"".join(received) == data[: 2 * CHUNK]
