"""``moea``: run, migrate and operate the four services.

    moea serve [--service NAME] [--host H] [--port P]   embedded default unless DATABASE_URL/REDIS_URL
    moea migrate [--service NAME]
    moea worker
    moea token --role ROLE [--business-id ID | --agency A | --county C] [--subject S]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from common.auth.dev_issuer import DevIssuer
from common.auth.principal import Role
from common.embedded import BackendUrls, embedded_postgres, embedded_redis
from common.migrations import upgrade
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
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser("migrate", help="upgrade each service schema to head")
    _service_option(migrate)
    migrate.set_defaults(handler=_migrate)

    token = commands.add_parser("token", help="print a development JWT")
    token.add_argument("--role", required=True, choices=[r.value for r in Role if r.value != "public"])
    token.add_argument("--subject")
    token.add_argument("--business-id")
    token.add_argument("--agency")
    token.add_argument("--county")
    token.add_argument("--lifetime", type=int, default=3600, help="seconds")
    token.set_defaults(handler=_token)
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
        yield BackendUrls(database_url=database_url, redis_url=redis_url)


def migrate_all(service: str | None, database_url: str) -> None:
    for manifest in select(service):
        upgrade(manifest.migrations, database_url)


def _serve(arguments: argparse.Namespace) -> None:
    import uvicorn  # noqa: PLC0415 (only the serving commands need it)

    manifests = select(arguments.service)
    with backends(arguments.var_dir) as urls:
        migrate_all(arguments.service, urls.database_url)
        overrides = settings_overrides(urls.database_url, urls.redis_url)
        app = create_all_in_one_app(manifests, overrides)
        print(f"serving {', '.join(m.name for m in manifests)} on "
              f"http://{arguments.host}:{arguments.port}", file=sys.stderr)
        uvicorn.run(app, host=arguments.host, port=arguments.port, log_config=None,
                    proxy_headers=True, server_header=False)


def _migrate(arguments: argparse.Namespace) -> None:
    database_url = os.environ.get("DATABASE_URL")
    for manifest in select(arguments.service):
        url = database_url or manifest.settings().database_url
        upgrade(manifest.migrations, url)
        print(f"{manifest.name}: at head", file=sys.stderr)


def _token(arguments: argparse.Namespace) -> None:
    settings = next(iter(SERVICES.values())).settings()
    issuer = DevIssuer.load_or_create(
        settings.dev_issuer_key_path, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    print(issuer.issue(
        Role(arguments.role),
        subject=arguments.subject,
        business_id=arguments.business_id,
        agency=arguments.agency,
        county=arguments.county,
        lifetime_seconds=arguments.lifetime,
    ))


if __name__ == "__main__":
    main()
