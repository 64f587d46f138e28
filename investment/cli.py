"""``moea investment ...``: operations of the investment service (wired in ``services/cli.py``).

    moea investment import-registry PATH [--accept-partial]
    moea investment seed-parks

``import-registry`` prints the change report (added, changed with fields, delisted) and every
per-line error; a file with bad lines is refused whole unless ``--accept-partial`` is given.
Exit status 1 when the file was refused.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from investment.factories.importing import ImportReport
from investment.factories.runner import import_registry_file
from investment.parks.seed import seed_parks
from investment.settings import InvestmentSettings

SHOWN = 20


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="moea investment", description="investment operations")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    importer = commands.add_parser("import-registry", help="import a dataset 6569 CSV")
    importer.add_argument("path", type=Path, metavar="PATH")
    importer.add_argument(
        "--accept-partial",
        action="store_true",
        help="apply the valid lines even when some lines have errors",
    )
    commands.add_parser("seed-parks", help="load the packaged industrial-park list")
    return parser


def main(argv: Sequence[str], database_url: str) -> int:
    arguments = _parser().parse_args(argv)
    url = make_url(database_url).set(drivername="postgresql+asyncpg")
    settings = InvestmentSettings(database_url=url.render_as_string(hide_password=False))
    if arguments.command == "seed-parks":
        count = asyncio.run(_seed_parks(settings))
        print(f"parks: {count} loaded", file=sys.stderr)
        return 0
    report = asyncio.run(_import(settings, arguments.path, arguments.accept_partial))
    print(describe(report), file=sys.stderr)
    return 0 if report.applied else 1


async def _import(settings: InvestmentSettings, path: Path, accept_partial: bool) -> ImportReport:
    engine = create_async_engine(settings.database_url)
    try:
        return await import_registry_file(engine, path, settings, accept_partial=accept_partial)
    finally:
        await engine.dispose()


async def _seed_parks(settings: InvestmentSettings) -> int:
    engine = create_async_engine(settings.database_url)
    try:
        return await seed_parks(engine)
    finally:
        await engine.dispose()


def describe(report: ImportReport) -> str:
    """The human summary of one import: outcome, counts, changes, then per-line errors."""
    if report.applied:
        head = f"{report.source}: applied (import run {report.run_id})"
    else:
        head = f"{report.source}: REFUSED, nothing imported: {report.refused_because}"
    lines = [head, "  " + ", ".join(f"{k} {v:,}" for k, v in report.summary().items())]
    if report.changes is not None:
        for change in report.changes.changed[:SHOWN]:
            lines.append(f"  changed {change.registration_number}: {', '.join(change.fields)}")
        for record in report.changes.removed[:SHOWN]:
            lines.append(f"  delisted {record.registration_number} {record.name}")
    for error in report.row_errors[:SHOWN]:
        lines.append(f"  {error}")
    if len(report.row_errors) > SHOWN:
        lines.append(f"  ... and {len(report.row_errors) - SHOWN} more line errors")
    return "\n".join(lines)
