"""``moea``: run, migrate and operate the four services.

moea serve [--service NAME] [--host H] [--port P]   (embedded servers unless DATABASE_URL/REDIS_URL)
moea migrate [--service NAME]
moea worker [--service NAME]   (needs reachable DATABASE_URL/REDIS_URL or service settings)
moea seal-audit | verify-audit | reencrypt-pii [--service NAME]
moea token --role ROLE [--business-id ID | --agency A | --county C] [--subject S]
moea ip-search import PATH... [--feed tmarkappl|tmarkrights|gazette]
moea ip-search import-patents PATH... [--max-errors N]   (JSON Lines, see ip_search.patents)
moea ip-search reindex   (rebuild the OpenSearch index; needs IP_SEARCH_OPENSEARCH_URL)
moea investment import-registry PATH [--accept-partial] | seed-parks
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from common.audit.operations import seal, seal_and_verify
from common.auth.dev_issuer import DevIssuer
from common.auth.principal import Role
from common.embedded import BackendUrls, embedded_postgres, embedded_redis
from common.jobs.runtime import ServiceRuntime
from common.jobs.worker import run_until_signalled, with_workers
from common.manifest import ServiceManifest
from common.migrations import upgrade
from common.observability.logging import configure_logging
from common.pii.cipher import FieldCipher
from common.pii.rotation import reencrypt_database
from common.settings import ServiceSettings, asyncpg_url
from investment.app import investment_command
from ip_search.app import ip_search_command, patents_command
from services.allinone import create_all_in_one_app, settings_overrides
from services.registry import SERVICES, select

DEFAULT_VAR_DIR = Path("var")


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser()
    arguments = parser.parse_args(argv)
    arguments.handler(arguments)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="moea", description="moea-cloud services")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the services (embedded default)")
    _service_option(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--var-dir", type=Path, default=DEFAULT_VAR_DIR)
    serve.add_argument(
        "--with-worker",
        action=argparse.BooleanOptionalAction,
        help="run the job workers in this process (default: on, unless --service is given)",
    )
    serve.add_argument(
        "--migrate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="migrate the schemas before serving (containers: --no-migrate, a Job migrates)",
    )
    serve.add_argument(
        "--demo-seed",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="fill empty services with demo data (ip_search: TIPO sample + synthetic marks)",
    )
    serve.set_defaults(handler=_serve)

    ip_search = commands.add_parser(
        "ip-search", help="ip_search operations: import PATH..., import-patents PATH..., reindex"
    )
    ip_search.add_argument("--var-dir", type=Path, default=DEFAULT_VAR_DIR)
    ip_search.add_argument(
        "args", nargs=argparse.REMAINDER, help="import PATH... [--feed F] | reindex"
    )
    ip_search.set_defaults(handler=_ip_search)

    investment = commands.add_parser(
        "investment", help="investment operations: import-registry PATH, seed-parks"
    )
    investment.add_argument("--var-dir", type=Path, default=DEFAULT_VAR_DIR)
    investment.add_argument("args", nargs=argparse.REMAINDER, help="import-registry PATH ...")
    investment.set_defaults(handler=_investment)

    worker = commands.add_parser("worker", help="run the job workers (outbox relay, jobs, chores)")
    _service_option(worker)
    worker.set_defaults(handler=_worker)

    migrate = commands.add_parser("migrate", help="upgrade each service schema to head")
    _service_option(migrate)
    migrate.set_defaults(handler=_migrate)

    token = commands.add_parser("token", help="print a development JWT")
    roles = [role.value for role in Role if role is not Role.PUBLIC]
    token.add_argument("--role", required=True, choices=roles)
    token.add_argument("--subject")
    token.add_argument("--business-id")
    token.add_argument("--agency")
    token.add_argument("--county")
    token.add_argument("--lifetime", type=int, default=3600, help="seconds")
    token.set_defaults(handler=_token)
    _data_protection_commands(commands)
    return parser


def _service_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--service", choices=list(SERVICES), help="only this service")


@contextmanager
def backends(var_dir: Path) -> Iterator[BackendUrls]:
    """DATABASE_URL / REDIS_URL when set; otherwise embedded servers under ``var_dir``."""
    database_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    with ExitStack() as stack:
        if not database_url:
            print(f"starting embedded PostgreSQL in {var_dir / 'postgres'}", file=sys.stderr)
            database_url = stack.enter_context(embedded_postgres(var_dir / "postgres"))
        if not redis_url:
            print(f"starting embedded Redis in {var_dir / 'redis'}", file=sys.stderr)
            redis_url = stack.enter_context(embedded_redis(var_dir / "redis"))
        yield BackendUrls(database_url=asyncpg_url(database_url), redis_url=redis_url)


def migrate_all(service: str | None, database_url: str) -> None:
    for manifest in select(service):
        upgrade(manifest.migrations, database_url)


def _serve(arguments: argparse.Namespace) -> None:
    import uvicorn  # noqa: PLC0415 (only the serving commands need it)

    manifests = select(arguments.service)
    with backends(arguments.var_dir) as urls:
        if arguments.migrate:
            migrate_all(arguments.service, urls.database_url)
        if arguments.demo_seed:
            _seed_demo(manifests, urls.database_url)
        overrides = settings_overrides(urls.database_url, urls.redis_url)
        app = create_all_in_one_app(manifests, overrides)
        with_worker = arguments.with_worker
        if with_worker or (with_worker is None and arguments.service is None):
            app = with_workers(app, _runtimes(manifests, overrides))
        print(
            f"serving {', '.join(m.name for m in manifests)} on "
            f"http://{arguments.host}:{arguments.port}",
            file=sys.stderr,
        )
        _exit_cleanly_on_sigterm()
        uvicorn.run(
            app,
            host=arguments.host,
            port=arguments.port,
            log_config=None,
            proxy_headers=True,
            server_header=False,
        )


def _exit_cleanly_on_sigterm() -> None:
    """After its graceful shutdown uvicorn re-raises the signal it caught. SIGTERM's default
    action would end the process on the spot and leave the embedded PostgreSQL and Redis
    running; as an exception it unwinds ``backends()``, which stops them."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def _seed_demo(manifests: list[ServiceManifest], database_url: str) -> None:
    """Demo data for a laptop: only in development, only into empty services."""
    for manifest in manifests:
        if manifest.demo_seed is None:
            continue
        if not manifest.settings().is_development:
            print(f"{manifest.name}: no demo seed outside development", file=sys.stderr)
            continue
        asyncio.run(manifest.demo_seed(database_url))


def _ip_search(arguments: argparse.Namespace) -> None:
    with backends(arguments.var_dir) as urls:
        migrate_all("ip_search", urls.database_url)
        if arguments.args[:1] == ["import-patents"]:
            status = patents_command(arguments.args[1:], urls.database_url)
        else:
            status = ip_search_command(arguments.args, urls.database_url)
    raise SystemExit(status)


def _investment(arguments: argparse.Namespace) -> None:
    with backends(arguments.var_dir) as urls:
        migrate_all("investment", urls.database_url)
        status = investment_command(arguments.args, urls.database_url)
    raise SystemExit(status)


def _migrate(arguments: argparse.Namespace) -> None:
    for manifest in select(arguments.service):
        upgrade(manifest.migrations, _async_database_url(manifest.settings()))
        print(f"{manifest.name}: at head", file=sys.stderr)


def _worker(arguments: argparse.Namespace) -> None:
    overrides = settings_overrides(os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL"))
    runtimes = _runtimes(select(arguments.service), overrides)
    settings = runtimes[0].settings
    configure_logging(
        level=settings.log_level, json=settings.log_json, soc=settings.soc_log_enabled
    )
    print(f"worker for {', '.join(r.schema for r in runtimes)}", file=sys.stderr)
    asyncio.run(run_until_signalled(runtimes))


def _runtimes(manifests: list[ServiceManifest], overrides: dict[str, Any]) -> list[ServiceRuntime]:
    return [
        ServiceRuntime.from_manifest(manifest, manifest.settings(**overrides))
        for manifest in manifests
    ]


def _token(arguments: argparse.Namespace) -> None:
    settings = next(iter(SERVICES.values())).settings()
    issuer = DevIssuer.load_or_create(
        settings.dev_issuer_key_path, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    print(
        issuer.issue(
            Role(arguments.role),
            subject=arguments.subject,
            business_id=arguments.business_id,
            agency=arguments.agency,
            county=arguments.county,
            lifetime_seconds=arguments.lifetime,
        )
    )


def _data_protection_commands(commands: Any) -> None:
    for name, handler, text in (
        ("seal-audit", _seal_audit, "chain the audit events written since the last seal"),
        ("verify-audit", _verify_audit, "seal, then verify each audit chain (exit 1 if broken)"),
        ("reencrypt-pii", _reencrypt_pii, "re-encrypt personal data under the active key"),
    ):
        command = commands.add_parser(name, help=text)
        _service_option(command)
        command.set_defaults(handler=handler)


def _async_database_url(settings: ServiceSettings) -> str:
    return asyncpg_url(os.environ.get("DATABASE_URL") or settings.database_url)


def _seal_audit(arguments: argparse.Namespace) -> None:
    for manifest in select(arguments.service):
        settings = manifest.settings()
        url = _async_database_url(settings)
        report = asyncio.run(seal(url, manifest.tables, settings.audit_hmac_key))
        print(f"{manifest.name}: sealed {report.sealed}, chain head seq {report.head_seq}")


def _verify_audit(arguments: argparse.Namespace) -> None:
    broken = False
    for manifest in select(arguments.service):
        settings = manifest.settings()
        url = _async_database_url(settings)
        result = asyncio.run(seal_and_verify(url, manifest.tables, settings.audit_hmac_key))
        if result.broken is None:
            print(f"{manifest.name}: OK ({result.checked} events, head seq {result.head_seq})")
        else:
            print(
                f"{manifest.name}: BROKEN at audit_event id {result.broken.id} "
                f"(seq {result.broken.seq}): {result.broken.reason}"
            )
            broken = True
    if broken:
        raise SystemExit(1)


def _reencrypt_pii(arguments: argparse.Namespace) -> None:
    for manifest in select(arguments.service):
        settings = manifest.settings()
        cipher = FieldCipher.from_settings(settings)
        url, schema = _async_database_url(settings), settings.db_schema
        counts = asyncio.run(reencrypt_database(url, schema, manifest.encrypted_columns, cipher))
        for count in counts:
            print(f"{manifest.name}.{count.table}: re-encrypted {count.rewritten}/{count.scanned}")


if __name__ == "__main__":
    main()
