"""What every step of the filing path shares: its context and the loaded, authorized return.

The filing path runs on the driver (``common.driver``): one connection from the write pool
per request, the return read in one statement, the change written in one more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from common.audit import AuditSource, AuditTrail
from common.driver import DriverPool, Executor
from common.errors import Conflict, NotFound, PreconditionFailed
from common.pii import FieldCipher
from investment.campaigns.forms import FormCache
from investment.invitations.access import Caller
from investment.returns import personal
from investment.returns.access import authorize
from investment.returns.repository import EDITABLE
from investment.survey import FormDefinition

STALE = "the return changed since you read it (another tab?); reload"


@dataclass(frozen=True, slots=True)
class FilingContext:
    pool: DriverPool
    forms: FormCache
    cipher: FieldCipher
    caller: Caller
    trail: AuditTrail
    source: AuditSource  # who files, from where: for the audit events


@dataclass(frozen=True, slots=True)
class Loaded:
    row: asyncpg.Record
    form: FormDefinition
    last_year: dict[str, Any]
    answers: dict[str, Any]  # as stored, personal answers decrypted

    @property
    def status(self) -> str:
        return str(self.row["r_status"])

    @property
    def version(self) -> int:
        return int(self.row["r_version"])


def authorized(
    context: FilingContext, row: asyncpg.Record | None, *, write: bool
) -> asyncpg.Record:
    """The row, if the caller may see it (and file it, for a write); else 404/401/403."""
    if row is None:
        raise NotFound()
    authorize(
        context.caller,
        return_id=row["r_id"],
        business_id=row["r_business_id"],
        county_code=row["r_county_code"],
        write=write,
    )
    return row


async def loaded(context: FilingContext, executor: Executor, row: asyncpg.Record) -> Loaded:
    """An authorized row with its parsed form and its answers and last year's, decrypted."""
    form = await context.forms.get_on(executor, row["form_pk"])
    last_year: dict[str, Any] = {}
    if row["previous_id"] is not None:
        last_year = {**row["previous_answers"]}
        last_year.update(
            personal.unseal(context.cipher, row["previous_id"], row["previous_personal"])
        )
    answers = {
        **row["r_answers"],
        **personal.unseal(context.cipher, row["r_id"], row["r_personal"]),
    }
    return Loaded(row, form, last_year, answers)


def check_writable(loaded: Loaded, expected: int | None) -> None:
    if loaded.status not in EDITABLE:
        receipt = loaded.row["r_receipt_number"]
        raise Conflict(f"the return is {loaded.status} (receipt {receipt}); it cannot change now")
    if expected is not None and expected != loaded.version:
        raise PreconditionFailed(STALE)
