"""Worker job: import TIPO files into the register (enqueue ``import_trademark_files``).

    await arq_pool.enqueue_job("import_trademark_files", ["/data/TmarkAppl_2024.xml"],
                               _queue_name=queue_name("ip_search"))

Paths are read by the worker, so they must be on storage the worker sees. Each file is its own
transaction; the result lists one summary per file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from common.jobs.runtime import runtime_for
from ip_search.importing.runner import import_file

SCHEMA = "ip_search"


async def import_trademark_files(ctx: dict[str, Any], paths: list[str]) -> list[dict[str, Any]]:
    engine = runtime_for(ctx, SCHEMA).engine
    summaries = []
    for path in paths:
        summary = await import_file(engine, Path(path))
        summaries.append(summary.as_dict())
    return summaries
