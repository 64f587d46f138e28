"""``moea ip-search import-patents PATH... [--max-errors N]``: import patent JSON Lines files.

Each file is one transaction (see ``ip_search.patents.importer`` for the format). Prints a
summary per file with the first rejected lines; exit status 1 when a file was refused.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from ip_search.patents.importer import MAX_ERRORS, PatentImportReport, import_jsonl

__all__ = ["describe", "main"]

SHOWN_ERRORS = 20


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moea ip-search import-patents", description="import patent JSON Lines files"
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--max-errors", type=int, default=MAX_ERRORS)
    return parser


def main(argv: Sequence[str], database_url: str) -> int:
    arguments = _parser().parse_args(argv)
    return asyncio.run(_import_all(arguments.paths, arguments.max_errors, database_url))


async def _import_all(paths: list[Path], max_errors: int, database_url: str) -> int:
    engine = create_async_engine(make_url(database_url).set(drivername="postgresql+asyncpg"))
    failed = False
    try:
        for path in paths:
            report = await import_jsonl(engine, path, max_errors=max_errors)
            print(describe(report), file=sys.stderr)
            failed |= report.refused is not None
    finally:
        await engine.dispose()
    return 1 if failed else 0


def describe(report: PatentImportReport) -> str:
    if report.refused is not None:
        return f"{report.source}: REFUSED, nothing imported: {report.refused}"
    lines = [f"{report.source}: {report.accepted:,} upserted, {report.rejected:,} rejected"]
    lines += [f"  line {e.line}: {e.reason}" for e in report.errors[:SHOWN_ERRORS]]
    return "\n".join(lines)
