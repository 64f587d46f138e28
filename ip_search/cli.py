"""``moea ip-search ...``: operations of the ip_search service (wired in ``services/cli.py``).

    moea ip-search import PATH... [--feed tmarkappl|tmarkrights|gazette]
    moea ip-search reindex

Each file is imported in its own transaction with a progress bar on stderr, then a summary of
accepted and rejected records (with reasons) is printed. The exit status is 1 when a file was
refused or missing, 0 otherwise (rejected records alone do not fail the run).

``reindex`` rebuilds the OpenSearch index of the register (``IP_SEARCH_OPENSEARCH_URL``) behind
its alias; searches keep answering from the old index until the new one is complete.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from ip_search.importing.progress import BarProgress, Progress
from ip_search.importing.runner import Feed, ImportSummary, import_file
from ip_search.settings import IpSearchSettings

SHOWN_REASONS = 10


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="moea ip-search", description="ip_search operations")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    importer = commands.add_parser("import", help="import TIPO trademark XML files")
    importer.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    importer.add_argument(
        "--feed",
        choices=[f.value for f in Feed if f is not Feed.SYNTHETIC],
        help="the feed of every file (default: detected from each file)",
    )
    commands.add_parser(
        "reindex", help="rebuild the OpenSearch index from the register and swap its alias"
    )
    return parser


def main(argv: Sequence[str], database_url: str) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.command == "reindex":
        return _reindex_command(IpSearchSettings(database_url=database_url))
    feed = Feed(arguments.feed) if arguments.feed else None
    return asyncio.run(_import_all(arguments.paths, feed, database_url))


async def _import_all(paths: list[Path], feed: Feed | None, database_url: str) -> int:
    engine = create_async_engine(make_url(database_url).set(drivername="postgresql+asyncpg"))
    failed = False
    try:
        for path in paths:
            failed |= not await _import_one(engine, path, feed)
    finally:
        await engine.dispose()
    return 1 if failed else 0


async def _import_one(engine: AsyncEngine, path: Path, feed: Feed | None) -> bool:
    if not await asyncio.to_thread(path.is_file):
        print(f"{path}: no such file", file=sys.stderr)
        return False

    def bar(total: int) -> Progress:
        return BarProgress(path.name, total)

    summary = await import_file(engine, path, feed=feed, progress=bar)
    print(describe(summary), file=sys.stderr)
    return summary.refused is None


def _reindex_command(settings: IpSearchSettings) -> int:
    if settings.opensearch_url is None:
        print("reindex needs IP_SEARCH_OPENSEARCH_URL", file=sys.stderr)
        return 2
    return asyncio.run(_reindex(settings))


async def _reindex(settings: IpSearchSettings) -> int:
    # opensearch-py is the optional `opensearch` extra: imported only for this command.
    from ip_search.search.opensearch.client import opensearch_client  # noqa: PLC0415
    from ip_search.search.opensearch.indexer import full_reindex  # noqa: PLC0415

    engine = create_async_engine(settings.database_url)
    client = opensearch_client(settings)
    try:
        async with AsyncSession(engine) as session:
            report = await full_reindex(
                client, session, settings.opensearch_index, replicas=settings.opensearch_replicas
            )
    finally:
        await client.close()
        await engine.dispose()
    print(
        f"{report.index}: {report.marks:,} marks, now behind {settings.opensearch_index}; "
        f"{report.caught_up:,} re-indexed from imports during the build; "
        f"retired: {', '.join(report.retired) or 'none'}",
        file=sys.stderr,
    )
    return 0


def describe(summary: ImportSummary) -> str:
    """The human summary of one import: counts, then the commonest rejection reasons."""
    if summary.refused is not None:
        return f"{summary.source}: REFUSED, nothing imported: {summary.refused}"
    lines = [
        f"{summary.source} ({summary.feed}): {summary.accepted:,} accepted, "
        f"{summary.rejected:,} rejected (import run {summary.run_id})"
    ]
    reasons = Counter(reason for r in summary.rejections for reason in r.reasons)
    for reason, count in reasons.most_common(SHOWN_REASONS):
        lines.append(f"  {count:>6,} x {reason}")
    for rejection in summary.rejections[:SHOWN_REASONS]:
        number = rejection.application_no or "?"
        lines.append(f"  record {rejection.position} ({number}): {'; '.join(rejection.reasons)}")
    return "\n".join(lines)
