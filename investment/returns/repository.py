"""Every query of the filing path, on the driver: one read and one write per request.

The statements are SQLAlchemy Core, compiled once (``common.driver``) and run on the write
pool's autocommit connections. A read is one statement; a write is one ``common.atomic_write``
statement that changes the return only at the version that was read and, in the same
statement, writes its audit row, the stored idempotent response and the outbox message. So a
save costs two round trips and a submit two, where the ORM session spent five and eight.
A firm's list of its returns is an ordinary read on the session.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import asyncpg
from sqlalchemy import Text, and_, any_, bindparam, func, literal, literal_column, select, text
from sqlalchemy import update as update_statement
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from common.atomic_write import guarded_write
from common.audit import audit_follower
from common.driver import DriverStatement, Executor
from common.idempotent_write import response_follower, with_stored_response
from common.jobs import outbox_follower
from investment.db_types import AnyRow
from investment.models import (
    factory,
    platform_tables,
    return_event,
    survey_campaign,
    survey_return,
)

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


def _with_last_year(*columns: Any) -> Any:
    """The return with its campaign and last year's return (if any) of the same factory."""
    return (
        select(
            *columns,
            survey_campaign.c.form_pk,
            _previous.c.id.label("previous_id"),
            _previous.c.answers.label("previous_answers"),
            _previous.c.personal.label("previous_personal"),
        )
        .select_from(
            survey_return.join(
                survey_campaign, survey_campaign.c.survey_year == survey_return.c.survey_year
            ).outerjoin(
                _previous,
                and_(
                    _previous.c.registration_number == survey_return.c.registration_number,
                    _previous.c.survey_year == survey_return.c.survey_year - 1,
                ),
            )
        )
        .where(survey_return.c.id == bindparam("return_id"))
    )


def _view_query() -> Any:
    """What opening a return shows: also the registry facts and the comments."""
    return (
        _with_last_year(*_RETURN_COLUMNS, *_FACTORY_COLUMNS, survey_campaign.c.closes_on)
        .join(factory, factory.c.registration_number == survey_return.c.registration_number)
        .add_columns(_comments())
    )


_VIEW = DriverStatement(_view_query())
# Saving and submitting validate against last year; they need no registry facts or comments.
_FOR_WRITE = _with_last_year(*_RETURN_COLUMNS)
_FOR_WRITE_PLAIN = DriverStatement(_FOR_WRITE)
_FOR_WRITE_WITH_KEY = DriverStatement(
    with_stored_response(_FOR_WRITE, platform_tables.idempotency_key)
)


async def load_view(executor: Executor, return_id: int) -> asyncpg.Record | None:
    """The return with its form id, the registry facts, last year's answers and the comments."""
    return await _VIEW.fetch_one(executor, return_id=return_id)


async def load_for_write(
    executor: Executor, return_id: int, key: dict[str, Any] | None
) -> asyncpg.Record | None:
    """The return with its form id and last year's answers; with ``key`` (the claim's
    parameters, ``common.idempotent_write.claim_params``) also the key's stored response."""
    if key is None:
        return await _FOR_WRITE_PLAIN.fetch_one(executor, return_id=return_id)
    return await _FOR_WRITE_WITH_KEY.fetch_one(executor, return_id=return_id, **key)


def _param(name: str, column: str) -> Any:
    """A named parameter typed like ``column`` (a SET value must not reuse the column's name)."""
    return bindparam(name, type_=survey_return.c[column].type)


def _writable(*, with_answers: bool = True) -> Any:
    """The row to write: this return, at the version that was read, still open for filing;
    with new answers, or (``with_answers=False``) keeping the stored ones as they are."""
    change = (
        update_statement(survey_return)
        .where(
            survey_return.c.id == bindparam("return_id"),
            survey_return.c.version == bindparam("expected_version"),
            survey_return.c.status == any_(literal(list(EDITABLE), ARRAY(Text))),
        )
        .values(version=survey_return.c.version + 1, updated_at=func.now())
    )
    if not with_answers:
        return change
    return change.values(
        answers=_param("new_answers", "answers"), personal=_param("new_personal", "personal")
    )


_SAVE_DRAFT = DriverStatement(
    guarded_write(
        _writable()
        .values(
            problem_count=_param("new_problem_count", "problem_count"),
            status=func.coalesce(
                func.nullif(survey_return.c.status, text("'not_started'")), text("'draft'")
            ),
        )
        .returning(survey_return.c.version, survey_return.c.status, survey_return.c.updated_at),
        audit_follower(platform_tables.audit_event),
    )
)


@cache
def _submit(*, with_answers: bool, with_key: bool, with_message: bool) -> DriverStatement:
    """The submit statement: the change and its audit row, plus the stored response when the
    request has an Idempotency-Key and the outbox message when it reports a registry change.
    Submitting the saved draft (``with_answers=False``) leaves its answers where they are:
    sending them back would only cost encoding them here and parsing them in PostgreSQL."""
    change = (
        _writable(with_answers=with_answers)
        .values(
            problem_count=0,
            status="submitted",
            submission_count=survey_return.c.submission_count + 1,
            receipt_number=_param("new_receipt_number", "receipt_number"),
            submitted_at=_param("new_submitted_at", "submitted_at"),
            first_submitted_at=func.coalesce(
                survey_return.c.first_submitted_at, _param("new_submitted_at", "submitted_at")
            ),
        )
        .returning(survey_return.c.version)
    )
    followers = [audit_follower(platform_tables.audit_event)]
    if with_key:
        followers.append(response_follower(platform_tables.idempotency_key))
    if with_message:
        followers.append(outbox_follower(platform_tables))
    return DriverStatement(guarded_write(change, *followers))


async def save_draft(
    executor: Executor, params: dict[str, Any], audit: dict[str, Any]
) -> asyncpg.Record | None:
    """None when the version moved on (another tab saved first) or the return is closed.

    ``params``: return_id, expected_version, new_answers, new_personal, new_problem_count;
    ``audit``: the audit row's parameters (``AuditTrail.params``)."""
    return await _SAVE_DRAFT.fetch_one(executor, **params, **audit)


async def submit(
    executor: Executor,
    params: dict[str, Any],
    followers: dict[str, Any],
    *,
    with_key: bool,
    with_message: bool,
) -> asyncpg.Record | None:
    """None when the version moved on or the return is no longer open for filing.

    ``params``: return_id, expected_version, new_receipt_number, new_submitted_at, and
    new_answers and new_personal unless the saved draft is submitted as it is (no
    ``new_answers``); ``followers``: the audit row's, and the stored response's and outbox
    message's when asked for."""
    with_answers = "new_answers" in params
    statement = _submit(with_answers=with_answers, with_key=with_key, with_message=with_message)
    return await statement.fetch_one(executor, **params, **followers)


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
