"""Use cases of declarations: ingest a batch (idempotent, versioned), read batches and lines.

Ingestion stores the new versions, supersedes the old ones and gives back what they drew, all
in one transaction with the outbox message that makes the worker match the batch.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.auth import Principal, ensure_same_agency
from common.errors import Conflict, FieldProblem, NotFound, UnprocessableContent
from common.jobs import enqueue
from common.pagination import Page, split_page
from tax_exemption.agency import ensure_deciding_officer
from tax_exemption.declarations import repository
from tax_exemption.declarations.customs_layout import ParsedUpload
from tax_exemption.declarations.schemas import BatchOut, DeclarationLineIn, LineOut
from tax_exemption.declarations.versions import KIND_OF, Change, classify, content_hash
from tax_exemption.matching import ledger
from tax_exemption.matching.service import BATCH_RECEIVED_TOPIC
from tax_exemption.models import platform_tables


async def ingest(
    session: AsyncSession,
    audit: RequestAudit,
    lines: Sequence[DeclarationLineIn],
    *,
    agency: str,
    source: str,
) -> BatchOut:
    """Lines sent as JSON, into a batch of ``agency`` (the deciding agency)."""
    ensure_deciding_officer(audit.principal, agency)
    return await _ingest(session, audit, lines, {"agency": agency, "source": source})


async def ingest_upload(
    session: AsyncSession,
    audit: RequestAudit,
    upload: ParsedUpload,
    *,
    agency: str,
    source: str,
    filename: str | None,
) -> BatchOut:
    """A parsed CSV or XML file: every line, or a 422 naming each problem and nothing stored."""
    ensure_deciding_officer(audit.principal, agency)
    if upload.errors:
        raise UnprocessableContent(
            "the file was not taken: fix the lines named", errors=upload.errors
        )
    batch = {"agency": agency, "source": source, "filename": filename}
    return await _ingest(session, audit, upload.lines, batch)


async def _ingest(
    session: AsyncSession,
    audit: RequestAudit,
    lines: Sequence[DeclarationLineIn],
    batch: dict[str, Any],
) -> BatchOut:
    _refuse_repeated_keys(lines)
    values = {**batch, "submitted_by": audit.principal.subject, "line_count": len(lines)}
    batch_id = await repository.insert_batch(session, {**values, "status": "received"})
    counts, reversals = await _store_versions(session, batch_id, batch["agency"], lines)
    to_match = counts[Change.NEW] + counts[Change.AMENDED]
    facts = {**{str(k): counts[k] for k in Change}, "reversals": reversals}
    settled: dict[str, Any] = {"counts": facts}
    if to_match:
        await enqueue(session, platform_tables, BATCH_RECEIVED_TOPIC, {"batch_id": batch_id})
    else:
        settled["status"] = "matched"  # nothing new to match: the batch is settled as it is
    row = await repository.update_batch(session, batch_id, settled)
    await audit.record(
        "declaration_batch.ingest", "declaration_batch", str(batch_id), details=facts
    )
    return BatchOut.model_validate(dict(row))


async def _store_versions(
    session: AsyncSession, batch_id: int, agency: str, lines: Sequence[DeclarationLineIn]
) -> tuple[Counter[Change], int]:
    """New versions stored, old ones superseded with their drawdowns reversed; how many were."""
    keys = [(line.declaration_no, line.item_no) for line in lines]
    await repository.lock_keys(session, keys)
    current = await repository.current_versions(session, keys)
    _refuse_other_agencies(current, agency)
    # Hashing and dumping every line is CPU (tens of ms for a few thousand lines): off the loop.
    counts, rows, superseded = await asyncio.to_thread(_new_versions, lines, current)
    await repository.supersede(session, superseded)
    reversals = await ledger.reverse_lines(session, superseded)
    await repository.insert_lines(
        session, [{**row, "batch_id": batch_id, "agency": agency} for row in rows]
    )
    return counts, len(reversals)


def _refuse_other_agencies(current: dict[tuple[str, int], RowMapping], agency: str) -> None:
    """A line that is another agency's case is not this batch's to amend or cancel."""
    errors = [
        FieldProblem(
            loc=["body", "lines"],
            msg=f"DECLNO {no} ITEMNO {item} is another agency's case",
            type="agency",
        )
        for (no, item), row in current.items()
        if row["agency"] != agency
    ]
    if errors:
        raise Conflict("some lines are cases of another agency", errors=errors)


def _refuse_repeated_keys(lines: Sequence[DeclarationLineIn]) -> None:
    seen: dict[tuple[str, int], int] = {}
    errors = []
    for position, line in enumerate(lines):
        key = (line.declaration_no, line.item_no)
        if key in seen:
            message = f"DECLNO {key[0]} ITEMNO {key[1]} repeats line {seen[key]}"
            errors.append(
                FieldProblem(loc=["body", "lines", position], msg=message, type="repeated")
            )
        seen.setdefault(key, position)
    if errors:
        raise UnprocessableContent("a batch holds each (DECLNO, ITEMNO) once", errors=errors)


def _new_versions(
    lines: Sequence[DeclarationLineIn],
    current: dict[tuple[str, int], RowMapping],
) -> tuple[Counter[Change], list[dict[str, Any]], list[int]]:
    counts: Counter[Change] = Counter()
    rows: list[dict[str, Any]] = []
    superseded: list[int] = []
    for line in lines:
        digest = content_hash(line)
        stored = current.get((line.declaration_no, line.item_no))
        change = classify(line, digest, None if stored is None else stored["content_hash"])
        counts[change] += 1
        if change is Change.DUPLICATE:
            continue
        if stored is not None:
            superseded.append(stored["id"])
        version = 1 if stored is None else stored["version"] + 1
        rows.append(_row(line, digest, version, KIND_OF[change]))
    return counts, rows, superseded


def _row(line: DeclarationLineIn, digest: bytes, version: int, kind: str) -> dict[str, Any]:
    fields = line.model_dump(exclude={"action"})
    return {
        **fields,
        "version": version,
        "is_current": True,
        "kind": kind,
        "content_hash": digest,
    }


async def read_batch(session: AsyncSession, principal: Principal, batch_id: int) -> BatchOut:
    row = await repository.get_batch(session, batch_id)
    if row is None:
        raise NotFound()
    ensure_same_agency(principal, row["agency"])
    return BatchOut.model_validate(dict(row))


async def batch_lines(
    session: AsyncSession, principal: Principal, batch_id: int, cursor: str | None, limit: int
) -> Page[LineOut]:
    await read_batch(session, principal, batch_id)
    rows = await repository.fetch(session, repository.lines_statement(batch_id, cursor, limit))
    kept, next_cursor = split_page(rows, limit, lambda row: [row["id"]])
    items = [LineOut.model_validate({n: row[n] for n in LineOut.model_fields}) for row in kept]
    return Page[LineOut](items=items, next_cursor=next_cursor)
