"""Similar search CPU, stage by stage, in process (issue #3).

    python bench/ip_search_cpu.py [--quick] [--out FILE] [--register NAME]

``bench/ip_search.py`` measures a cold similar search through the served app, where the stages
cannot be told apart and another process shares the machine. This runs the same cold queries
through the same code in one process, on the resident index of a register that
``bench/ip_search.py --keep-database NAME`` built and kept, and times each stage:

  analyse     the query's keys (folding, pinyin, phonetic keys): a miss of the cache that
              the later stages read them from, as a served search's do
  sources     the resident index's exact, gram and sound sources
  rank        every candidate's score total from its keys, best first, the facets, and the
              page's candidates (``resident.page``)
  explain     the page's hits explained dimension by dimension, each score written as the
              JSON the response embeds
  respond     the rest of the response document: hit documents, cursor, JSON

Each stage's figure is the fastest of ``--runs`` passes over the query list (the least disturbed
by other processes), in µs per search, with the garbage collector tuned as a serving process
tunes it (``common.gc_tuning``). The index load's wall time is reported too: the app takes it
before it serves.

Read it to compare versions of the code, not to predict the served figures. Served under
``bench/ip_search.py``'s load (wrk on the other core, 16 requests interleaved), the same work
cost about 1.5 to 1.7 times as much CPU on the 2-core benchmark host, and it did so even for 50
queries asked over and over with the cache turned off (1,200 µs a request against 1,330-1,390
cold): most of the gap is the machine under load, not cold data. Two changes that saved 4-5 %
here (ranking from the index's arrays, transparent huge pages for the cards) saved nothing
served, or cost 7 % more, in interleaved A/B runs of the two apps on the same queries.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench.harness import (
    argument_parser,
    machine_info,
    plain_postgres_url,
    print_table,
    write_results,
)
from bench.ip_search_bench import query_sets, sample_marks
from common.gc_tuning import tune_for_serving
from ip_search.search import ranking
from ip_search.search.backend import Candidates, SearchQuery, SimilarPage
from ip_search.search.postgres import similar_candidates
from ip_search.search.query import query_keys
from ip_search.search.resident.filters import MarkFilter, class_mask
from ip_search.search.resident.found import found_marks, similar_items
from ip_search.search.resident.index import ResidentIndex
from ip_search.search.resident.loading import load_index
from ip_search.search.resident.page import similar_page
from ip_search.text import scoring
from ip_search.trademarks.documents import SCORE_DIGITS
from ip_search.trademarks.schemas import SearchParams
from ip_search.trademarks.service import search_document, to_query

NAME = "ip_search_cpu"
STAGES = ("analyse", "sources", "rank", "explain", "respond")
DEFAULT_REGISTER = "moea_bench_ip_1m"


@dataclass
class Pass:
    """Nanoseconds spent in each stage over one pass of the query list."""

    spent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    whole: int = 0
    """The whole search as the app runs it (its query keys already analysed)."""
    candidates: int = 0
    ranked: int = 0


class MemoryBackend:
    """The resident backend's memory path alone (no PostgreSQL fallback to wait for)."""

    def __init__(self, index: ResidentIndex) -> None:
        self.index = index

    async def candidates(self, query: SearchQuery, after: Sequence[str] | None) -> Candidates:
        keys = query_keys(query.text)
        kept = MarkFilter(class_mask(query.filters.nice_classes))
        return similar_candidates(similar_items(self.index, keys, kept))

    async def similar_page(self, query: SearchQuery) -> SimilarPage | None:
        return similar_page(self.index, query)


def similar_queries(paths: Sequence[str]) -> list[SearchQuery]:
    """The bench's cold similar paths as the queries the app would make of them."""
    queries: list[SearchQuery] = []
    for path in paths:
        values = urllib.parse.parse_qs(urllib.parse.urlparse(path).query)
        classes = [int(c) for c in values.get("nice_class", [])]
        queries.append(to_query(SearchParams(q=values["q"][0], nice_class=classes)))
    return queries


async def one_pass(index: ResidentIndex, queries: Sequence[SearchQuery]) -> Pass:
    clock = time.perf_counter_ns
    backend = MemoryBackend(index)
    result = Pass()
    spent = result.spent
    for query in queries:
        classes, groups = query.filters.nice_classes, query.filters.groups
        started = clock()
        keys = query_keys(query.text)  # the list is longer than the cache: not held
        analysed = clock()
        found = found_marks(index, keys, MarkFilter(class_mask(classes)))
        sourced = clock()
        page = similar_page(index, query)  # its sources again, then the ranking
        paged = clock()
        assert page is not None, "the bench's queries are all answered from memory"
        shown = [candidate for candidate, _ in page.hits[: query.limit]]
        ranking.explain_page(keys, shown, classes=classes, groups=groups, digits=SCORE_DIGITS)
        explained = clock()
        # The whole search again, as the app runs it; what the stages above did not do is the
        # response document.
        await search_document(backend, query, index.stamp)
        result.whole += clock() - explained
        spent["analyse"] += analysed - started
        spent["sources"] += sourced - analysed
        spent["rank"] += (paged - sourced) - (sourced - analysed)
        spent["explain"] += explained - paged
        result.candidates += len(found.ordinals())
        result.ranked += page.total
    staged = spent["sources"] + spent["rank"] + spent["explain"]
    spent["respond"] = max(0, result.whole - staged)
    return result


async def run(dsn: str, count: int, runs: int) -> tuple[float, ResidentIndex, list[Pass], int]:
    connection = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        index = await load_index(connection)
        load_seconds = time.perf_counter() - started
    finally:
        await connection.close()
    queries = similar_queries(query_sets(await sample_marks(dsn))["similar"][:count])
    tune_for_serving()  # as the app does once it has started: full collections stay short
    passes = [await one_pass(index, queries) for _ in range(runs)]
    return load_seconds, index, passes, len(queries)


def scoring_compiled() -> bool:
    """Whether the scorer and ranking run as mypyc built them (``setup.py``), as deployed."""
    return all(str(m.__file__).endswith(".so") for m in (scoring, ranking))


def main() -> None:
    parser = argument_parser(NAME, __doc__ or "")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--register",
        default=DEFAULT_REGISTER,
        help="database that `bench/ip_search.py --keep-database NAME` built",
    )
    args = parser.parse_args()
    count, runs = (300, 2) if args.quick else (1000, 5)
    base, _, _ = plain_postgres_url(args.database_url).rpartition("/")
    dsn = f"{base}/{args.register}"
    try:
        load_seconds, index, passes, searched = asyncio.run(run(dsn, count, runs))
    except (asyncpg.InvalidCatalogNameError, asyncpg.UndefinedTableError):
        raise SystemExit(
            f"no register in {args.register}: build it once with "
            f"`python bench/ip_search.py --keep-database {args.register}`"
        ) from None
    best = {stage: min(p.spent[stage] for p in passes) / searched / 1000 for stage in STAGES}
    whole = sum(best.values())
    print_table(
        ["stage", "µs per search", "share"],
        [(stage, best[stage], f"{best[stage] / whole:.0%}") for stage in STAGES],
    )
    metrics: dict[str, Any] = {f"{stage}_us": round(best[stage], 1) for stage in STAGES}
    metrics |= {
        "similar_cpu_us": round(whole, 1),
        "candidates_per_search": round(passes[0].candidates / searched, 1),
        "ranked_per_search": round(passes[0].ranked / searched, 1),
        "resident_load_seconds": round(load_seconds, 1),
        "marks": index.size,
    }
    print(f"\n{searched:,} searches x {runs} passes; total {whole:,.0f} µs per search")
    for key in ("candidates_per_search", "ranked_per_search", "resident_load_seconds", "marks"):
        print(f"{key}: {metrics[key]:,}")
    params = {"quick": args.quick, "register": args.register, "searches": searched, "runs": runs}
    params["scoring_compiled"] = scoring_compiled()
    write_results(args.out, metrics=metrics, params=params, machine=machine_info())
    print(f"\nwrote {args.out}")
