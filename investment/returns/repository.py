"""Every query of the filing path: one read and one write per request, no N+1.

The statements are built once, at import, and take their values as parameters: building an
UPDATE with its values per request cost more Python time than running it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, func, literal_column, select, text, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from investment.db_types import AnyRow
from investment.models import factory, return_event, survey_campaign, survey_return

EDITABLE = ("not_started", "draft", "flagged")
_previous = survey_return.alias("previous")

# Factory columns keep their names (rows.row_record reads them); the return's are prefixed.
_RETURN_COLUMNS = [column.label(f"r_{column.name}") for column in survey_return.columns]
_FACTORY_COLUMNS = [column for column in factory.columns if column.name != "owner_name"]


def _comments() -> Any:
    """The comments sent back to the factory, oldest first, as one jsonb array."""
    item = func.jsonb_build_object(
        literal_column("'action'"),
        return_event.c.action,
        literal_column("'comment'"),
        return_event.c.comment,
        literal_column("'at'"),
        return_event.c.created_at,
    )
    aggregated = func.jsonb_agg(aggregate_order_by(item, return_event.c.id))
    return (
        select(func.coalesce(aggregated, literal_column("'[]'::jsonb")))
        .where(return_event.c.return_id == survey_return.c.id, return_event.c.comment.isnot(None))
        .scalar_subquery()
        .label("comments")
    )


def _filing_query() -> Any:
    return (
        select(
            *_RETURN_COLUMNS,
            *_FACTORY_COLUMNS,
            survey_campaign.c.form_pk,
            survey_campaign.c.closes_on,
            _previous.c.id.label("previous_id"),
            _previous.c.answers.label("previous_answers"),
            _previous.c.personal.label("previous_personal"),
            _comments(),
        )
        .select_from(
            survey_return.join(
                survey_campaign, survey_campaign.c.survey_year == survey_return.c.survey_year
            )
            .join(factory, factory.c.registration_number == survey_return.c.registration_number)
            .outerjoin(
                _previous,
                and_(
                    _previous.c.registration_number == survey_return.c.registration_number,
                    _previous.c.survey_year == survey_return.c.survey_year - 1,
                ),
            )
        )
        .where(survey_return.c.id == bindparam("return_id"))
    )


# Built once: constructing this statement costs more Python time than running it.
_FILING_QUERY = _filing_query()


async def load(session: AsyncSession, return_id: int) -> AnyRow | None:
    """The return with its campaign's form id, the registry facts, last year's answers and the
    comments, in one statement."""
    return (await session.execute(_FILING_QUERY, {"return_id": return_id})).first()


def _param(name: str, column: str) -> Any:
    """A named parameter typed like ``column`` (a SET value must not reuse the column's name)."""
    return bindparam(name, type_=survey_return.c[column].type)


def _writable() -> Any:
    """The row to write: this return, at the version that was read, still open for filing."""
    return (
        update(survey_return)
        .where(
            survey_return.c.id == bindparam("return_id"),
            survey_return.c.version == bindparam("expected_version"),
            survey_return.c.status.in_(EDITABLE),
        )
        .values(
            answers=_param("new_answers", "answers"),
            personal=_param("new_personal", "personal"),
            version=survey_return.c.version + 1,
            updated_at=func.now(),
        )
    )


_SAVE_DRAFT = (
    _writable()
    .values(
        problem_count=_param("new_problem_count", "problem_count"),
        status=func.coalesce(
            func.nullif(survey_return.c.status, text("'not_started'")), text("'draft'")
        ),
    )
    .returning(survey_return.c.version, survey_return.c.status, survey_return.c.updated_at)
)

_SUBMIT = (
    _writable()
    .values(
        problem_count=0,
        status="submitted",
        submission_count=survey_return.c.submission_count + 1,
        receipt_number=_param("new_receipt_number", "receipt_number"),
        submitted_at=func.now(),
        first_submitted_at=func.coalesce(survey_return.c.first_submitted_at, func.now()),
    )
    .returning(survey_return.c.version, survey_return.c.submitted_at)
)


async def save_draft(
    session: AsyncSession,
    return_id: int,
    version: int,
    *,
    answers: dict[str, Any],
    personal: bytes | None,
    problem_count: int,
) -> AnyRow | None:
    """None when the version moved on (another tab saved first) or the return is closed."""
    params = {
        "return_id": return_id,
        "expected_version": version,
        "new_answers": answers,
        "new_personal": personal,
        "new_problem_count": problem_count,
    }
    return (await session.execute(_SAVE_DRAFT, params)).first()


async def submit(
    session: AsyncSession,
    return_id: int,
    version: int,
    *,
    answers: dict[str, Any],
    personal: bytes | None,
    receipt_number: str,
) -> AnyRow | None:
    """None when the version moved on or the return is no longer open for filing."""
    params = {
        "return_id": return_id,
        "expected_version": version,
        "new_answers": answers,
        "new_personal": personal,
        "new_receipt_number": receipt_number,
    }
    return (await session.execute(_SUBMIT, params)).first()


async def firm_returns(session: AsyncSession, business_id: str, year: int | None) -> list[AnyRow]:
    query = select(
        survey_return.c.id,
        survey_return.c.survey_year,
        survey_return.c.registration_number,
        survey_return.c.status,
        survey_return.c.receipt_number,
        factory.c.name,
    ).join(factory, factory.c.registration_number == survey_return.c.registration_number)
    query = query.where(survey_return.c.business_id == business_id)
    if year is not None:
        query = query.where(survey_return.c.survey_year == year)
    query = query.order_by(survey_return.c.survey_year.desc(), survey_return.c.id).limit(500)
    return list((await session.execute(query)).all())
