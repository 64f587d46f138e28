"""Use cases of the filing path: view (prefilled) and save a draft; firms list their returns.

Each is one read (the return with everything validation needs) and one write on the driver
(``investment.returns.filing``): the read of a return is audited by an INSERT of its own, a
save is one statement that writes the draft only at the version that was read, so a save from
another tab makes it a 412 instead of a lost update, together with its audit row. Submitting
is ``investment.returns.submission``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from common.errors import FieldProblem, PreconditionFailed
from investment.factories.rows import row_record
from investment.returns import personal, repository
from investment.returns.filing import (
    STALE,
    FilingContext,
    Loaded,
    authorized,
    check_writable,
    loaded,
)
from investment.returns.schemas import Comment, DraftSaved, FirmReturn, ProblemOut, ReturnView
from investment.survey import Problem, prefill, registry_facts, validate

RECORD_TYPE = "survey_return"


async def view(context: FilingContext, return_id: int) -> ReturnView:
    async with context.desk.pool.connection() as connection:
        row = authorized(context, await repository.load_view(connection, return_id), write=False)
        opened = _view(await loaded(context, connection, row))
        event = context.source.event("return.read", RECORD_TYPE, str(return_id))
        await context.desk.trail.record_on(connection, event)
    return opened


def _view(loaded: Loaded) -> ReturnView:
    row, answers, sources = loaded.row, loaded.answers, {}
    facts = registry_facts(row_record(dict(row.items()), None))
    if loaded.status == "not_started":
        draft = prefill(loaded.form, facts, loaded.last_year)
        answers, sources = draft.answers, dict(draft.sources)
    return ReturnView(
        id=row["r_id"],
        survey_year=row["r_survey_year"],
        registration_number=row["r_registration_number"],
        status=loaded.status,
        version=loaded.version,
        form_id=loaded.form.form_id,
        form_version=loaded.form.version,
        answers=answers,
        sources=sources,
        problems=problems_out(validate(loaded.form, answers, loaded.last_year_figures)),
        comments=[Comment.model_validate(item) for item in row["comments"]],
        receipt_number=row["r_receipt_number"],
        submitted_at=row["r_submitted_at"],
        closes_on=row["closes_on"],
        registry=facts,
    )


async def save_draft(
    context: FilingContext, return_id: int, expected: int, answers: Mapping[str, Any]
) -> DraftSaved:
    async with context.desk.pool.connection() as connection:
        row = await repository.load_for_write(connection, return_id, None)
        draft = await loaded(context, connection, authorized(context, row, write=True))
        check_writable(draft, expected)
        problems = validate(draft.form, answers, draft.last_year_figures)
        plain, private = personal.split(draft.form, answers)
        details = {"version": expected + 1, "problems": len(problems)}
        event = context.source.event(
            "return.draft_saved", RECORD_TYPE, str(return_id), details=details
        )
        audit = await context.desk.trail.row(connection, event)
        params = {
            "return_id": return_id,
            "expected_version": expected,
            "new_answers": plain,
            "new_personal": personal.seal(context.desk.cipher, return_id, private),
            "new_problem_count": len(problems),
        }
        saved = await repository.save_draft(connection, params, context.desk.trail.params(audit))
    if saved is None:
        raise PreconditionFailed(STALE)
    context.desk.trail.log(audit)
    return DraftSaved(
        id=return_id,
        status=saved["status"],
        version=saved["version"],
        saved_at=saved["updated_at"],
        problems=problems_out(problems),
    )


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
