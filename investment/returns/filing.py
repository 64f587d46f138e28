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
from investment.invitations.tokens import FilingTokens
from investment.returns import personal
from investment.returns.access import authorize
from investment.returns.repository import EDITABLE
from investment.survey import FormDefinition

STALE = "the return changed since you read it (another tab?); reload"


@dataclass(frozen=True, slots=True)
class FilingDesk:
    """What every filing request takes from the app, made once per app run
    (``investment.returns.gate``): each ``app.state`` lookup costs about as much as a settings
    read, so the filing path pays for one instead of one per part."""

    pool: DriverPool
    forms: FormCache
    cipher: FieldCipher
    trail: AuditTrail
    tokens: FilingTokens
    agency: str  # the deployment's agency, owning every return


@dataclass(frozen=True, slots=True)
class FilingContext:
    desk: FilingDesk
    caller: Caller
    source: AuditSource  # who files, from where: for the audit events
    # The agency whose officers read the returns; None for a filing session (it opens its
    # own return, whichever the agency).
    agency: str | None


@dataclass(frozen=True, slots=True)
class Loaded:
    """An authorized row and its form. Personal answers are decrypted only when read (each
    read decrypts again: read once): a write validates against ``last_year_figures`` alone."""

    row: asyncpg.Record
    form: FormDefinition
    cipher: FieldCipher

    @property
    def status(self) -> str:
        return str(self.row["r_status"])

    @property
    def version(self) -> int:
        return int(self.row["r_version"])

    @property
    def answers(self) -> dict[str, Any]:
        """The answers as stored, personal ones decrypted."""
        row = self.row
        return {**row["r_answers"], **personal.unseal(self.cipher, row["r_id"], row["r_personal"])}

    @property
    def last_year(self) -> dict[str, Any]:
        """Last year's answers, personal ones decrypted: what prefills a return."""
        row = self.row
        if row["previous_id"] is None:
            return {}
        sealed = personal.unseal(self.cipher, row["previous_id"], row["previous_personal"])
        return {**row["previous_answers"], **sealed}

    @property
    def last_year_figures(self) -> dict[str, Any]:
        """Last year's answers as validation reads them: year-on-year rules take no personal
        data (``FormDefinition`` refuses such a rule), so that stays sealed."""
        previous: dict[str, Any] | None = self.row["previous_answers"]
        return previous or {}


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
        agency=context.agency,
        write=write,
    )
    return row


async def loaded(context: FilingContext, executor: Executor, row: asyncpg.Record) -> Loaded:
    """An authorized row with its parsed form."""
    desk = context.desk
    return Loaded(row, await desk.forms.get_on(executor, row["form_pk"]), desk.cipher)


def check_writable(loaded: Loaded, expected: int | None) -> None:
    if loaded.status not in EDITABLE:
        receipt = loaded.row["r_receipt_number"]
        raise Conflict(f"the return is {loaded.status} (receipt {receipt}); it cannot change now")
    if expected is not None and expected != loaded.version:
        raise PreconditionFailed(STALE)
