"""Use cases of the filing path: view (prefilled), save a draft, submit.

Each is one read (the return with everything validation needs) and one conditional write; the
write names the version that was read, so a concurrent save in another tab makes it a 412
instead of a lost update.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import Conflict, FieldProblem, NotFound, PreconditionFailed, UnprocessableContent
from common.jobs import enqueue
from common.pii import FieldCipher
from investment.campaigns.forms import FormCache
from investment.db_types import AnyRow
from investment.factories.rows import row_record
from investment.invitations.access import Caller
from investment.models import platform_tables
from investment.registry.records import FactoryRecord
from investment.returns import personal, repository
from investment.returns.access import authorize
from investment.returns.receipts import receipt_number
from investment.returns.schemas import (
    Comment,
    DraftSaved,
    FirmReturn,
    ProblemOut,
    Receipt,
    ReturnView,
)
from investment.survey import FormDefinition, Problem, prefill, registry_facts, validate

CORRECTION_TOPIC = "investment.registry_correction"


@dataclass(frozen=True, slots=True)
class Loaded:
    row: AnyRow
    form: FormDefinition
    last_year: dict[str, Any]
    answers: dict[str, Any]  # as stored, personal answers decrypted

    @property
    def status(self) -> str:
        return str(self.row.r_status)


@dataclass(frozen=True, slots=True)
class FilingContext:
    session: AsyncSession
    forms: FormCache
    cipher: FieldCipher
    caller: Caller


async def load(context: FilingContext, return_id: int, *, write: bool) -> Loaded:
    row = await repository.load(context.session, return_id)
    if row is None:
        raise NotFound()
    authorize(
        context.caller,
        return_id=row.r_id,
        business_id=row.r_business_id,
        county_code=row.r_county_code,
        write=write,
    )
    form = await context.forms.get(context.session, row.form_pk)
    last_year: dict[str, Any] = {}
    if row.previous_id is not None:
        last_year = {**row.previous_answers}
        last_year.update(personal.unseal(context.cipher, row.previous_id, row.previous_personal))
    answers = {**row.r_answers, **personal.unseal(context.cipher, row.r_id, row.r_personal)}
    return Loaded(row, form, last_year, answers)


def factory_record(row: AnyRow) -> FactoryRecord:
    return row_record(row._mapping, None)


async def view(context: FilingContext, return_id: int) -> ReturnView:
    loaded = await load(context, return_id, write=False)
    row, answers, sources = loaded.row, loaded.answers, {}
    facts = registry_facts(factory_record(row))
    if loaded.status == "not_started":
        draft = prefill(loaded.form, facts, loaded.last_year)
        answers, sources = draft.answers, dict(draft.sources)
    return ReturnView(
        id=row.r_id,
        survey_year=row.r_survey_year,
        registration_number=row.r_registration_number,
        status=loaded.status,
        version=row.r_version,
        form_id=loaded.form.form_id,
        form_version=loaded.form.version,
        answers=answers,
        sources=sources,
        problems=problems_out(validate(loaded.form, answers, loaded.last_year)),
        comments=[Comment.model_validate(item) for item in row.comments],
        receipt_number=row.r_receipt_number,
        submitted_at=row.r_submitted_at,
        closes_on=row.closes_on,
        registry=facts,
    )


def _check_writable(loaded: Loaded, expected: int | None) -> None:
    if loaded.status not in repository.EDITABLE:
        receipt = loaded.row.r_receipt_number
        raise Conflict(f"the return is {loaded.status} (receipt {receipt}); it cannot change now")
    if expected is not None and expected != loaded.row.r_version:
        raise PreconditionFailed("the return changed since you read it (another tab?); reload")


async def save_draft(
    context: FilingContext, return_id: int, expected: int, answers: Mapping[str, Any]
) -> DraftSaved:
    loaded = await load(context, return_id, write=True)
    _check_writable(loaded, expected)
    problems = validate(loaded.form, answers, loaded.last_year)
    plain, private = personal.split(loaded.form, answers)
    saved = await repository.save_draft(
        context.session,
        return_id,
        expected,
        answers=plain,
        personal=personal.seal(context.cipher, return_id, private),
        problem_count=len(problems),
    )
    if saved is None:
        raise PreconditionFailed("the return changed since you read it (another tab?); reload")
    return DraftSaved(
        id=return_id,
        status=saved.status,
        version=saved.version,
        saved_at=saved.updated_at,
        problems=problems_out(problems),
    )


async def submit(
    context: FilingContext,
    return_id: int,
    expected: int | None,
    answers: Mapping[str, Any] | None,
) -> Receipt:
    loaded = await load(context, return_id, write=True)
    _check_writable(loaded, expected)
    final = dict(answers) if answers is not None else loaded.answers
    problems = validate(loaded.form, final, loaded.last_year)
    if problems:
        raise UnprocessableContent(
            f"the return has {len(problems)} problem(s); fix them and submit again",
            errors=[field_problem(problem) for problem in problems],
        )
    row = loaded.row
    receipt = receipt_number(row.r_survey_year, return_id, row.r_submission_count + 1)
    plain, sealed = _stored_form(context, loaded, answers)
    done = await repository.submit(
        context.session,
        return_id,
        row.r_version,
        answers=plain,
        personal=sealed,
        receipt_number=receipt,
    )
    if done is None:
        raise PreconditionFailed("the return changed while submitting (another tab?); reload")
    if final.get("registry_changed") is True:
        await _report_correction(context.session, row, final)
    return Receipt(
        id=return_id, receipt_number=receipt, submitted_at=done.submitted_at, version=done.version
    )


def _stored_form(
    context: FilingContext, loaded: Loaded, answers: Mapping[str, Any] | None
) -> tuple[dict[str, Any], bytes | None]:
    """What to store: the draft as it is (no re-encryption), or the submitted answers."""
    if answers is None:
        return dict(loaded.row.r_answers), loaded.row.r_personal
    plain, private = personal.split(loaded.form, answers)
    return plain, personal.seal(context.cipher, loaded.row.r_id, private)


async def _report_correction(
    session: AsyncSession, row: AnyRow, answers: Mapping[str, Any]
) -> None:
    """Registry corrections reach the registry office with the return (outbox, same commit)."""
    payload = {
        "return_id": row.r_id,
        "registration_number": row.r_registration_number,
        "change_types": answers.get("change_types") or [],
        "new_factory_name": answers.get("new_factory_name"),
        "new_address": answers.get("new_address"),
    }
    await enqueue(session, platform_tables, CORRECTION_TOPIC, payload)


async def firm_returns(
    session: AsyncSession, business_id: str, year: int | None
) -> list[FirmReturn]:
    rows = await repository.firm_returns(session, business_id, year)
    return [
        FirmReturn(
            id=row.id,
            survey_year=row.survey_year,
            registration_number=row.registration_number,
            factory_name=row.name,
            status=row.status,
            receipt_number=row.receipt_number,
        )
        for row in rows
    ]


def problems_out(problems: list[Problem]) -> list[ProblemOut]:
    return [
        ProblemOut(
            field=p.field,
            code=str(p.code),
            message_zh=p.message_zh,
            message_en=p.message_en,
            rule_id=p.rule_id,
        )
        for p in problems
    ]


def field_problem(problem: Problem) -> FieldProblem:
    return FieldProblem(
        loc=["body", "answers", problem.field],
        msg=f"{problem.message_zh} {problem.message_en}",
        type=f"survey.{problem.code}",
    )
