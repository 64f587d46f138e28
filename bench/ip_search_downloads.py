"""Bulk download throughput: the ip_search download endpoint vs nginx serving the same file.

Part of ``bench/ip_search.py`` (metrics ``download_mb_s``, ``nginx_mb_s``; goal: the app at
least half of nginx). A file of random bytes (200 MB; ``--quick`` 50 MB) is published as a
dataset version in the bench's scratch database and open-data directory, then downloaded over
and over by ``CONNECTIONS`` concurrent clients for a fixed time: once from the app (uvicorn, one
worker, the real route with its ETag/Range machinery, counters and middleware) and once from
nginx (one worker, ``sendfile on``, a temporary config on a free port, run as a child process
and stopped after). MB/s is bytes received / seconds, over all clients; the app's CPU time per
100 MB sent is reported too, a number a busy machine disturbs less.

The clients are threads doing blocking ``recv_into`` of up to 4 MiB: wrk reads 8 KiB at a time,
which on a 2-core machine makes the client, not the server, the bottleneck.
"""

from __future__ import annotations

import asyncio
import getpass
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bench.harness import Server, free_port, sqlalchemy_url
from ip_search.opendata import repository

DATASET = "bench-download"
STORAGE_KEY = f"{DATASET}/{DATASET}-v1.bin"
FULL_MB = 200
QUICK_MB = 50
CONNECTIONS = 4
WARMUP_SECONDS = 1
FULL_SECONDS = 8
QUICK_SECONDS = 3
MB = 1_000_000
RECEIVE_BYTES = 4 * 1024 * 1024
NGINX_INSTALL_HINT = (
    "nginx is not installed (the download benchmark compares against it). Install it with\n"
    "    apt-get install -y nginx     (Debian/Ubuntu; it need not run as a service)"
)
NGINX_CONFIG = """
{user}
worker_processes 1;
daemon off;
pid {state}/nginx.pid;
error_log {state}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    client_body_temp_path {state}/client_body;
    proxy_temp_path {state}/proxy;
    fastcgi_temp_path {state}/fastcgi;
    uwsgi_temp_path {state}/uwsgi;
    scgi_temp_path {state}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ }}
    }}
}}
"""


@dataclass(frozen=True, slots=True)
class Rate:
    megabytes: float
    seconds: float
    errors: int
    server_cpu_seconds: float = float("nan")

    @property
    def mb_per_second(self) -> float:
        return self.megabytes / self.seconds


def require_nginx() -> str:
    path = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if path is None:
        raise SystemExit(NGINX_INSTALL_HINT)
    return path


def write_file(root: Path, megabytes: int) -> tuple[Path, str, int]:
    """``megabytes`` of random bytes under ``root``/``STORAGE_KEY``; its path, sha256, size."""
    path = root / STORAGE_KEY
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        for _ in range(megabytes):
            block = os.urandom(MB)
            digest.update(block)
            handle.write(block)
    return path, digest.hexdigest(), megabytes * MB


def prepare_downloads(dsn: str, scratch: Path, *, quick: bool) -> Path:
    """Write and publish the file; the open-data directory the app must serve."""
    root = open_data_dir(scratch)
    _, sha256, size = write_file(root, QUICK_MB if quick else FULL_MB)
    asyncio.run(publish(dsn, sha256, size))
    return root


def open_data_dir(scratch: Path) -> Path:
    return scratch / "open-data"


async def publish(dsn: str, sha256: str, size: int) -> None:
    """The file as version 1 of a dataset, as an officer's publish would record it."""
    engine = create_async_engine(sqlalchemy_url(dsn))
    try:
        async with AsyncSession(engine) as session, session.begin():
            await repository.insert_dataset(session, _dataset())
            await repository.insert_version(
                session,
                {
                    "dataset_id": DATASET,
                    "version": 1,
                    "storage_key": STORAGE_KEY,
                    "sha256": sha256,
                    "size_bytes": size,
                    "row_count": None,
                    "media_type": "application/octet-stream",
                    "change_note": "benchmark file",
                    "published_by": "bench",
                },
            )
    finally:
        await engine.dispose()


def _dataset() -> dict[str, object]:
    return {
        "id": DATASET,
        "title_zh": "下載測試",
        "title_en": "Download benchmark",
        "description_zh": "隨機位元組",
        "description_en": "Random bytes",
        "publisher": "bench",
        "licence": "OGDL-Taiwan-1.0",
        "update_frequency": "irregular",
        "keywords": [],
        "fields": [],
        "media_type": "application/octet-stream",
    }


@contextmanager
def nginx_server(root: Path) -> Iterator[str]:
    """nginx serving ``root`` on a free port until the block ends (a child, not a daemon)."""
    nginx = require_nginx()
    with tempfile.TemporaryDirectory() as state:
        port = free_port()
        # As root, nginx's workers would run as "nobody" and could not read the temp dirs.
        user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
        config = Path(state) / "nginx.conf"
        config.write_text(NGINX_CONFIG.format(user=user, state=state, port=port, root=root))
        process = subprocess.Popen(
            [nginx, "-p", state, "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_port(process, port, Path(state) / "error.log")
            yield f"http://127.0.0.1:{port}"
        finally:
            process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then exit
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_port(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited early:\n{log.read_text(errors='replace')}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nginx not listening on {port} after 10 s")


def download_rate(url: str, seconds: int, server: Server | None = None) -> Rate:
    """``CONNECTIONS`` clients downloading ``url`` again and again for ``seconds``."""
    _download_for(url, WARMUP_SECONDS)
    cpu_before = server.cpu_seconds() if server else float("nan")
    started = time.monotonic()
    received, errors = _download_for(url, seconds)
    elapsed = time.monotonic() - started
    cpu = server.cpu_seconds() - cpu_before if server else float("nan")
    return Rate(received / MB, elapsed, errors, cpu)


def _download_for(url: str, seconds: float) -> tuple[int, int]:
    """Bytes of response bodies received (the last, cut-off one too) and failed clients."""
    deadline = time.monotonic() + seconds
    received = [0] * CONNECTIONS
    failed = [0] * CONNECTIONS

    def client(index: int) -> None:
        try:
            _keep_downloading(url, deadline, received, index)
        except (OSError, ValueError):
            failed[index] = 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(received), sum(failed)


def _keep_downloading(url: str, deadline: float, received: list[int], index: int) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = f"GET {parts.path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    buffer = memoryview(bytearray(RECEIVE_BYTES))
    with socket.create_connection((host, port)) as connection:
        while time.monotonic() < deadline:
            connection.sendall(request)
            remaining = _read_head(connection, received, index)
            while remaining > 0 and time.monotonic() < deadline:
                count = connection.recv_into(buffer, min(RECEIVE_BYTES, remaining))
                if not count:
                    raise ValueError("the server closed the connection mid-body")
                remaining -= count
                received[index] += count


def _read_head(connection: socket.socket, received: list[int], index: int) -> int:
    """Read a 200 response's head; the body bytes still to come."""
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = connection.recv(65536)
        if not chunk:
            raise ValueError("the server closed the connection")
        head += chunk
    lines, _, body = head.partition(b"\r\n\r\n")
    status, *fields = lines.split(b"\r\n")
    if status.split(b" ")[1] != b"200":
        raise ValueError(f"unexpected status line {status!r}")
    length = next(int(f.split(b":")[1]) for f in fields if f.lower().startswith(b"content-length"))
    received[index] += len(body)
    return length - len(body)


def measure_downloads(app: Server, root: Path, *, quick: bool) -> dict[str, float]:
    """The download metrics; the file must already be published under ``root`` (``publish``)."""
    seconds = QUICK_SECONDS if quick else FULL_SECONDS
    served = download_rate(
        f"{app.url}/open-data/datasets/{DATASET}/versions/1/download", seconds, app
    )
    with nginx_server(root) as nginx:
        reference = download_rate(f"{nginx}/{STORAGE_KEY}", seconds)
    app_rate, nginx_rate = served.mb_per_second, reference.mb_per_second
    print(f"  download: app {app_rate:,.0f} MB/s, nginx {nginx_rate:,.0f} MB/s", flush=True)
    return {
        "download_mb_s": served.mb_per_second,
        "nginx_mb_s": reference.mb_per_second,
        "download_ratio": served.mb_per_second / reference.mb_per_second,
        "download_cpu_ms_per_100mb": served.server_cpu_seconds * 1000 / served.megabytes * 100,
        "download_errors": float(served.errors + reference.errors),
    }
