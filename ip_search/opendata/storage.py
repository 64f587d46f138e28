"""Local file storage of dataset versions and exports: keys are paths below ``open_data_dir``.

A key never escapes the root (no absolute paths, no ``..``, no symlink out). Uploads and exports
are written to ``.incoming/`` while their SHA-256 is computed, then renamed into place, so a
half-written file is never visible under a key. All disk work runs in worker threads.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import anyio

from common.errors import PayloadTooLarge, UnprocessableContent

_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)*")
_READ_CHUNK = 1024 * 1024
INCOMING = ".incoming"


@dataclass(frozen=True, slots=True)
class StoredFile:
    key: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Received:
    """An upload in ``.incoming/``, hashed while it was written."""

    path: Path
    sha256: str
    size: int


class IncomingFile:
    """A file being written (in worker threads), its SHA-256 and size kept up to date."""

    def __init__(self, path: Path, handle: BinaryIO) -> None:
        self.path = path
        self.size = 0
        self._handle = handle
        self._digest = hashlib.sha256()

    async def write(self, chunk: bytes) -> None:
        self._digest.update(chunk)
        await anyio.to_thread.run_sync(self._handle.write, chunk)
        self.size += len(chunk)

    async def close(self) -> None:
        if not self._handle.closed:
            await anyio.to_thread.run_sync(self._handle.close)

    @property
    def received(self) -> Received:
        return Received(self.path, self._digest.hexdigest(), self.size)


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path_of(self, key: str) -> Path:
        """The file of ``key``; 422 for a key that is malformed or would leave the root."""
        if len(key) > 500 or not _KEY.fullmatch(key) or ".." in key.split("/"):
            raise UnprocessableContent("storage_key is not a valid relative path")
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise UnprocessableContent("storage_key points outside the open-data directory")
        return path

    async def describe(self, key: str) -> StoredFile:
        """SHA-256 and size of a file already in storage (read in a worker thread)."""
        path = self.path_of(key)
        if not await anyio.to_thread.run_sync(path.is_file):
            raise UnprocessableContent(f"no file is stored under {key!r}")
        sha256, size = await anyio.to_thread.run_sync(_hash_file, path)
        return StoredFile(key, sha256, size)

    async def size_of(self, key: str) -> int | None:
        """The size of the stored file, or None if there is none."""
        return await anyio.to_thread.run_sync(_size, self.path_of(key))

    @asynccontextmanager
    async def incoming(self) -> AsyncIterator[IncomingFile]:
        """A new file in ``.incoming/``, hashed as it is written; deleted if the block fails."""
        directory = self.root / INCOMING
        await anyio.to_thread.run_sync(lambda: directory.mkdir(parents=True, exist_ok=True))
        path = directory / uuid.uuid4().hex
        file = IncomingFile(path, await anyio.to_thread.run_sync(path.open, "wb"))
        try:
            yield file
        except BaseException:
            await file.close()
            await self.discard(path)
            raise
        await file.close()

    async def receive(self, chunks: AsyncIterator[bytes], max_bytes: int) -> Received:
        """Write an upload to a temporary file, hashing it; 413 (nothing kept) past the limit."""
        async with self.incoming() as file:
            async for chunk in chunks:
                if file.size + len(chunk) > max_bytes:
                    raise PayloadTooLarge(f"an upload may hold at most {max_bytes} bytes")
                await file.write(chunk)
        return file.received

    async def place(self, received: Received, key: str) -> StoredFile:
        """Move a received upload under ``key`` (replacing an orphan of a failed publish)."""
        target = self.path_of(key)
        await anyio.to_thread.run_sync(_move, received.path, target)
        return StoredFile(key, received.sha256, received.size)

    async def delete(self, key: str) -> None:
        path = self.path_of(key)
        await anyio.to_thread.run_sync(lambda: path.unlink(missing_ok=True))

    async def discard(self, temporary: Path) -> None:
        await anyio.to_thread.run_sync(lambda: temporary.unlink(missing_ok=True))


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_READ_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    source.replace(target)
