"""Use cases of the regulated-products list: lookup, name search, officer maintenance.

The domain (``domain.regulated_products``) decides which entry governs a code on a date and
which entries overlap; an officer's entry that would overlap another on the same prefix is
refused (409), so lookups never depend on a tie-break.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.ccc_code import normalise_ccc, normalise_ccc_prefix
from common.errors import Conflict, NotFound, UnprocessableContent
from inspection.domain.regulated_products import (
    InspectionTiming,
    RegulatedEntry,
    lookup,
    overlaps,
    search_by_name,
)
from inspection.domain.schemes import Scheme
from inspection.regulated_products import repository
from inspection.regulated_products.schemas import EntryIn, EntryOut, LookupOut, SearchOut

RECORD = "regulated_product"


def entry_of(row: Mapping[Any, Any]) -> RegulatedEntry:
    return RegulatedEntry(
        ccc_prefix=row["ccc_prefix"],
        product_name=row["product_name"],
        schemes=tuple(Scheme(scheme) for scheme in row["schemes"]),
        standards=tuple(row["standards"]),
        timing=InspectionTiming(row["timing"]),
        effective_from=row["effective_from"],
        effective_until=row["effective_until"],
    )


def _out(row: Mapping[Any, Any]) -> EntryOut:
    return EntryOut.model_validate(dict(row))


def _matching_row(rows: list[RowMapping], entry: RegulatedEntry) -> RowMapping:
    return next(row for row in rows if entry_of(row) == entry)


async def look_up(session: AsyncSession, raw_code: str, on: date) -> LookupOut:
    code = normalise_ccc(raw_code)
    if code is None:
        raise UnprocessableContent(f"{raw_code!r} is not an 11-digit CCC code")
    rows = list(await repository.for_code(session, code))
    governing = lookup(code, [entry_of(row) for row in rows], on)
    entry = None if governing is None else _out(_matching_row(rows, governing))
    return LookupOut(ccc_code=code, on=on, regulated=entry is not None, entry=entry)


async def search(session: AsyncSession, text: str, on: date) -> SearchOut:
    rows = list(await repository.by_name(session, text.strip()))
    found = search_by_name(text, [entry_of(row) for row in rows], on)
    return SearchOut(on=on, items=[_out(_matching_row(rows, entry)) for entry in found])


async def add(session: AsyncSession, body: EntryIn, audit: RequestAudit) -> EntryOut:
    prefix = normalise_ccc_prefix(body.ccc_prefix)
    if prefix is None:
        raise UnprocessableContent(f"{body.ccc_prefix!r} is not a 6/8/10/11-digit CCC prefix")
    values = {**body.model_dump(), "ccc_prefix": prefix, "schemes": [s.value for s in body.schemes]}
    try:
        new = entry_of(values)
    except ValueError as error:
        raise UnprocessableContent(str(error)) from None
    existing = [entry_of(row) for row in await repository.same_prefix(session, prefix)]
    if any(overlaps([entry, new]) for entry in existing):
        raise Conflict(f"an entry for {prefix} is already in force in part of that period")
    values["updated_by"] = audit.principal.audit_name
    entry_id = await repository.insert_entry(session, values)
    await audit.record("regulated_product.add", RECORD, str(entry_id), details={"prefix": prefix})
    return EntryOut(id=entry_id, **body.model_dump(exclude={"ccc_prefix"}), ccc_prefix=prefix)


async def end(session: AsyncSession, entry_id: int, until: date, audit: RequestAudit) -> EntryOut:
    row = await repository.get(session, entry_id)
    if row is None:
        raise NotFound(f"no regulated-product entry {entry_id}")
    if until < row["effective_from"]:
        raise UnprocessableContent("an entry cannot end before it takes effect")
    current = row["effective_until"]
    if current is not None and until > current:
        raise Conflict("an entry can be ended earlier, not extended; add a new entry instead")
    await repository.end_entry(session, entry_id, until)
    details = {"effective_until": until.isoformat()}
    await audit.record("regulated_product.end", RECORD, str(entry_id), details=details)
    return _out({**row, "effective_until": until})
