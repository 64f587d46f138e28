"""The workflow steps of a filing as one table: who takes each, the transition it asks for, the
body it reads and what it writes besides the status.

Each row becomes one route (``endpoints.py``) and runs through one use case (``service.take``).
The action names the audit event (``filing.<action>``) and the notice template
(``notifications.templates``); the table in ``domain.workflow`` says from which status it is
allowed (409 otherwise). Issuing the certificate is the certificates' own use case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal, Role
from tax_exemption.domain.workflow import FilingAction
from tax_exemption.filings import repository
from tax_exemption.filings.decisions import decide
from tax_exemption.filings.outcome import Effect, Outcome
from tax_exemption.filings.schemas import DecisionIn, MessageIn

__all__ = ["STEPS", "WorkflowStep"]

B = TypeVar("B")


@dataclass(frozen=True, kw_only=True)
class WorkflowStep(Generic[B]):
    name: str  # the route's name, and so its OpenAPI operation id
    path: str  # below /filings/{filing_id}/
    summary: str
    side: Role  # the applicant's firm (or its agent), or an officer of the deciding agency
    action: FilingAction
    body: type[B] | None = None
    if_match: bool = False  # the body-less steps may send If-Match
    effect: Effect[B] | None = None


async def _ask(
    session: AsyncSession, principal: Principal, row: RowMapping, body: MessageIn
) -> Outcome:
    supplement_id = await repository.insert_supplement(
        session, row["id"], body.message, principal.subject
    )
    return Outcome(details={"supplement_id": supplement_id})


async def _answer(
    session: AsyncSession, principal: Principal, row: RowMapping, body: MessageIn
) -> Outcome:
    supplement_id = await repository.answer_open_supplement(
        session, row["id"], body.message, principal.subject
    )
    return Outcome(details={"supplement_id": supplement_id})


STEPS: tuple[WorkflowStep[Any], ...] = (
    WorkflowStep(
        name="submit_filing",
        path="submit",
        summary="Submit a draft",
        side=Role.FIRM,
        action=FilingAction.SUBMIT,
        if_match=True,
    ),
    WorkflowStep(
        name="withdraw_filing",
        path="withdraw",
        summary="Withdraw a filing",
        side=Role.FIRM,
        action=FilingAction.WITHDRAW,
        if_match=True,
    ),
    WorkflowStep(
        name="start_review",
        path="review",
        summary="Start the review",
        side=Role.OFFICER,
        action=FilingAction.START_REVIEW,
        if_match=True,
    ),
    WorkflowStep(
        name="request_supplement",
        path="supplement-requests",
        summary="Ask the firm for a supplement (補正)",
        side=Role.OFFICER,
        action=FilingAction.REQUEST_SUPPLEMENT,
        body=MessageIn,
        effect=_ask,
    ),
    WorkflowStep(
        name="answer_supplement",
        path="supplement-answers",
        summary="Answer a supplement",
        side=Role.FIRM,
        action=FilingAction.ANSWER_SUPPLEMENT,
        body=MessageIn,
        effect=_answer,
    ),
    WorkflowStep(
        name="decide_filing",
        path="decision",
        summary="Approve items with quantities or reject them with reasons",
        side=Role.OFFICER,
        action=FilingAction.APPROVE,  # or REJECT when no item is approved
        body=DecisionIn,
        effect=decide,
    ),
)
