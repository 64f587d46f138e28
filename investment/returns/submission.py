"""Submitting a return: validated as the form does, idempotent, one receipt, one statement.

The read brings the key's stored response along (``common.idempotent_write``): a retry is
replayed without touching anything. A first submit is one ``common.atomic_write`` statement:
the return changes only at the version that was read and, with it, the audit row, the stored
response (the receipt, exactly as sent) and, for a registry correction, the outbox message to
the registry office. A concurrent twin with the same key finds the change no longer applies,
and replays the receipt the first one stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg

from common.driver import Executor
from common.errors import PreconditionFailed, UnprocessableContent
from common.idempotency import IdempotentRequest, StoredResponse, replayed
from common.idempotent_write import (
    claim_params,
    is_key_taken,
    response_params,
    stored_in,
    stored_on_driver,
)
from common.jobs import message_params
from investment.models import platform_tables
from investment.returns import personal, repository
from investment.returns.etags import return_etag
from investment.returns.filing import FilingContext, Loaded, authorized, check_writable, loaded
from investment.returns.receipts import receipt_number
from investment.returns.schemas import Receipt
from investment.returns.service import RECORD_TYPE, field_problem
from investment.survey import validate

CORRECTION_TOPIC = "investment.registry_correction"
_KEYS = platform_tables.idempotency_key


@dataclass(frozen=True, slots=True)
class Submission:
    """What a submit request asks: the version it read, the answers, its Idempotency-Key."""

    return_id: int
    expected: int | None  # from If-Match, optional on submit
    answers: Mapping[str, Any] | None  # None: submit the saved draft
    claim: IdempotentRequest | None


async def submit(context: FilingContext, ask: Submission) -> StoredResponse:
    """The receipt as sent (201 with its ETag): fresh, or replayed for a retried key."""
    async with context.desk.pool.connection() as connection:
        key = None if ask.claim is None else claim_params(ask.claim)
        row = await repository.load_for_write(connection, ask.return_id, key)
        row = authorized(context, row, write=True)
        record = None if ask.claim is None else stored_in(row)
        if ask.claim is not None and record is not None:
            return replayed(record, ask.claim, context.desk.cipher)
        filing = await loaded(context, connection, row)
        return await _file(context, connection, filing, ask)


async def _file(
    context: FilingContext, connection: Executor, filing: Loaded, ask: Submission
) -> StoredResponse:
    check_writable(filing, ask.expected)
    final = dict(ask.answers) if ask.answers is not None else filing.answers
    _refuse_problems(filing, final)
    receipt = _receipt(filing)
    response = _receipt_response(receipt)
    details = {"receipt_number": receipt.receipt_number}
    event = context.source.event("return.submit", RECORD_TYPE, str(receipt.id), details=details)
    audit = await context.desk.trail.row(connection, event)
    followers = context.desk.trail.params(audit)
    if ask.claim is not None:
        followers.update(response_params(ask.claim, response, context.desk.cipher))
    correction = _correction(filing, final)
    if correction is not None:
        followers.update(message_params(CORRECTION_TOPIC, correction))
    params = _change(context, filing, ask.answers, receipt)
    if not await _written(connection, params, followers, ask.claim, correction is not None):
        return await _after_lost_race(context, connection, ask.claim)
    context.desk.trail.log(audit)
    return response


def _receipt(filing: Loaded) -> Receipt:
    """The receipt of this submission; its number is derived from the row (receipts.py)."""
    return_id, row = int(filing.row["r_id"]), filing.row
    return Receipt(
        id=return_id,
        receipt_number=receipt_number(
            row["r_survey_year"], return_id, row["r_submission_count"] + 1
        ),
        submitted_at=dt.datetime.now(dt.UTC),
        version=filing.version + 1,
    )


def _change(
    context: FilingContext, filing: Loaded, answers: Mapping[str, Any] | None, receipt: Receipt
) -> dict[str, Any]:
    """The statement's values for the return itself: the submitted answers, if any (without
    them, the saved draft is filed as it is stored, not re-encrypted or sent back)."""
    change: dict[str, Any] = {
        "return_id": receipt.id,
        "expected_version": filing.version,
        "new_receipt_number": receipt.receipt_number,
        "new_submitted_at": receipt.submitted_at,
    }
    if answers is not None:
        plain, private = personal.split(filing.form, answers)
        change["new_answers"] = plain
        change["new_personal"] = personal.seal(context.desk.cipher, receipt.id, private)
    return change


def _refuse_problems(filing: Loaded, final: Mapping[str, Any]) -> None:
    problems = validate(filing.form, final, filing.last_year_figures)
    if problems:
        raise UnprocessableContent(
            f"the return has {len(problems)} problem(s); fix them and submit again",
            errors=[field_problem(problem) for problem in problems],
        )


def _receipt_response(receipt: Receipt) -> StoredResponse:
    headers = {
        "content-type": "application/json",
        "etag": return_etag(receipt.id, receipt.version),
    }
    return StoredResponse(201, headers, receipt.model_dump_json().encode())


def _correction(filing: Loaded, answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """Registry corrections reach the registry office with the return (outbox, same commit)."""
    if answers.get("registry_changed") is not True:
        return None
    return {
        "return_id": filing.row["r_id"],
        "registration_number": filing.row["r_registration_number"],
        "change_types": answers.get("change_types") or [],
        "new_factory_name": answers.get("new_factory_name"),
        "new_address": answers.get("new_address"),
    }


async def _written(
    connection: Executor,
    params: dict[str, Any],
    followers: dict[str, Any],
    claim: IdempotentRequest | None,
    with_message: bool,
) -> bool:
    """Whether the statement filed the return (False: another request changed it first)."""
    try:
        done = await repository.submit(
            connection, params, followers, with_key=claim is not None, with_message=with_message
        )
    except asyncpg.UniqueViolationError as error:
        if claim is None or not is_key_taken(error, _KEYS):
            raise
        return False
    return done is not None


async def _after_lost_race(
    context: FilingContext, connection: Executor, claim: IdempotentRequest | None
) -> StoredResponse:
    """A twin with the same key filed first: its receipt. Otherwise the draft moved on: 412."""
    if claim is not None:
        record = await stored_on_driver(connection, _KEYS, claim)
        if record is not None:
            return replayed(record, claim, context.desk.cipher)
    raise PreconditionFailed("the return changed while submitting (another tab?); reload")
