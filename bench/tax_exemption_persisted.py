"""The persisted path of the matching benchmark: a corpus stored in PostgreSQL, matched by the
service exactly as the worker does (lock items, run the engine, write ledger and decisions)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from bench.harness import processes_cpu_seconds
from common.migrations import upgrade
from tax_exemption.app import MANIFEST
from tax_exemption.domain.matching import CertificateItem, DeclarationLine, ItemKey
from tax_exemption.domain.matching.normalise import certificate_key
from tax_exemption.evaluation.corpus import Corpus
from tax_exemption.matching.service import match_stored_batch
from tax_exemption.models import (
    certificate,
    certificate_item,
    declaration_batch,
    declaration_line,
    filing,
)

CHUNK = 5000


class Persisted(NamedTuple):
    """One stored batch matched: its rate, its outcome counts, and the CPU seconds it took in
    this process (engine and driver) and in its PostgreSQL backend."""

    lines_per_s: float
    counts: dict[str, int]
    python_cpu_s: float
    postgres_cpu_s: float


def persisted_run(database_url: str, corpus: Corpus) -> Persisted:
    """Migrate, store the corpus, time ``match_stored_batch`` over it as one batch."""
    upgrade(MANIFEST.migrations, database_url)
    return asyncio.run(_run(database_url, corpus))


async def _run(database_url: str, corpus: Corpus) -> Persisted:
    engine = create_async_engine(database_url)
    try:
        await _store_certificates(engine, corpus)
        batch_id = await _store_lines(engine, corpus.lines)
        async with AsyncSession(engine) as session:
            backend = await session.scalar(text("SELECT pg_backend_pid()"))
            await session.commit()
            postgres = processes_cpu_seconds([backend])
            python = time.process_time()
            started = time.perf_counter()
            async with session.begin():
                counts = await match_stored_batch(session, batch_id)
            elapsed = time.perf_counter() - started
            python = time.process_time() - python
            postgres = processes_cpu_seconds([backend]) - postgres
        return Persisted(len(corpus.lines) / elapsed, dict(counts), python, postgres)
    finally:
        await engine.dispose()


async def _store_certificates(engine: AsyncEngine, corpus: Corpus) -> None:
    by_certificate: defaultdict[str, list[CertificateItem]] = defaultdict(list)
    for item in corpus.items:
        by_certificate[certificate_key(item.certificate_no)].append(item)
    async with engine.begin() as connection:
        for number, items in by_certificate.items():
            first = items[0]
            filing_id = await connection.scalar(
                insert(filing)
                .values(
                    kind="duty_exemption",
                    business_id=first.business_id,
                    agency="IDA",
                    status="issued",
                    channel="online",
                    electronic=True,
                    purpose="bench",
                    created_by="bench",
                )
                .returning(filing.c.id)
            )
            certificate_id = await connection.scalar(
                insert(certificate)
                .values(
                    certificate_no=number,
                    filing_id=filing_id,
                    business_id=first.business_id,
                    kind="duty_exemption",
                    valid_from=first.valid_from,
                    valid_until=first.valid_until,
                    ten_digit_rule=first.ten_digit_rule,
                    status="active",
                    issued_by="bench",
                )
                .returning(certificate.c.id)
            )
            rows = [_item_row(certificate_id, item, corpus) for item in items]
            await connection.execute(insert(certificate_item), rows)


def _item_row(certificate_id: Any, item: CertificateItem, corpus: Corpus) -> dict[str, Any]:
    key = ItemKey(certificate_key(item.certificate_no), item.item_no)
    balance = corpus.ledger_view.get(key, item.balance)
    return {
        "certificate_id": certificate_id,
        "item_no": item.item_no,
        "ccc_code": item.ccc_code,
        "description": item.description,
        "model": item.model,
        "spec": item.spec,
        "unit": item.unit,
        "approved_quantity": max(item.approved_quantity, balance),
        "balance": balance,
    }


async def _store_lines(engine: AsyncEngine, lines: Sequence[DeclarationLine]) -> int:
    async with engine.begin() as connection:
        batch_id = await connection.scalar(
            insert(declaration_batch)
            .values(source="json", submitted_by="bench", status="received", line_count=len(lines))
            .returning(declaration_batch.c.id)
        )
        rows = [_line_row(batch_id, n, line) for n, line in enumerate(lines)]
        for start in range(0, len(rows), CHUNK):
            await connection.execute(insert(declaration_line), rows[start : start + CHUNK])
    assert batch_id is not None
    return int(batch_id)


def _line_row(batch_id: Any, n: int, line: DeclarationLine) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "declaration_no": line.declaration_no,
        "item_no": line.item_no,
        "version": 1,
        "is_current": True,
        "kind": "original",
        "content_hash": n.to_bytes(32, "big"),
        "importer_ban": line.importer_ban,
        "ccc_code": line.ccc_code,
        "description": line.description,
        "goods_model": line.goods_model,
        "goods_spec": line.goods_spec,
        "quantity": line.quantity,
        "doc_unit": line.doc_unit,
        "stat_quantity": line.stat_quantity,
        "stat_unit": line.stat_unit,
        "origin_country": line.origin_country,
        "cited_certificate_no": line.cited_certificate_no,
        "cited_item_no": line.cited_item_no,
        "declaration_date": line.declaration_date,
    }
