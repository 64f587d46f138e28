"""Routes of the filing path: open a return, save drafts, submit; firms list their returns.

The filing routes run on the driver (``investment.returns.filing``) and answer with the JSON
they render once: the season's peak is these three requests, so each declares its response
model for the documentation but skips FastAPI's second validation of the returned model, and
takes one dependency (the caller with the app's filing desk, ``gate``) rather than a chain.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel

from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from common.errors import PRECONDITION_RESPONSES
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyKeyHeader, claim_request
from investment.returns import service, submission
from investment.returns.etags import expected_version, return_etag
from investment.returns.gate import BEARER_TOO, ReadContextDep, WriteContextDep
from investment.returns.schemas import (
    DraftIn,
    DraftSaved,
    FirmReturn,
    Receipt,
    ReturnView,
    SubmitIn,
)

router = ServiceRouter(prefix="/returns", tags=["returns"])

ReturnId = Annotated[int, Path(ge=1, le=2**63 - 1)]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=100)]
Firm = Annotated[Principal, Depends(require_roles(Role.FIRM))]
PRIVATE = "private, no-store"


def _json(model: BaseModel, *, status: int = 200, headers: dict[str, str]) -> Response:
    return Response(
        model.model_dump_json(), status_code=status, headers=headers, media_type="application/json"
    )


@router.get("", response_model=list[FirmReturn], summary="A firm's own returns")
async def list_firm_returns(
    session: SessionDep,
    firm: Firm,
    survey_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> list[FirmReturn]:
    assert firm.business_id is not None  # a firm principal always carries one
    return await service.firm_returns(session, firm.business_id, survey_year)


@router.get(
    "/{return_id}",
    response_model=ReturnView,
    openapi_extra=BEARER_TOO,
    summary="Open a return (prefilled from the registry and last year's answers)",
    description="A return not started yet comes prefilled, each answer with its source; the "
    "`problems` are what the server would refuse on submit. The ETag is the version to send "
    "back in If-Match. Reading it is audited (it holds the contact person's data).",
)
async def get_return(return_id: ReturnId, context: ReadContextDep) -> Response:
    view = await service.view(context, return_id)
    headers = {"ETag": return_etag(return_id, view.version), "Cache-Control": PRIVATE}
    return _json(view, headers=headers)


@router.put(
    "/{return_id}/draft",
    response_model=DraftSaved,
    openapi_extra=BEARER_TOO,
    summary="Save a draft (If-Match required)",
    description="Saves even invalid answers and lists every problem at once, each with its "
    "field. If another tab saved first, the ETag is stale: 412, reload and retry.",
    responses=PRECONDITION_RESPONSES,
)
async def save_draft(
    *,
    return_id: ReturnId,
    payload: DraftIn,
    context: WriteContextDep,
    if_match: IfMatch = None,
) -> Response:
    expected = expected_version(if_match, return_id, required=True)
    assert expected is not None
    saved = await service.save_draft(context, return_id, expected, payload.answers)
    return _json(saved, headers={"ETag": return_etag(return_id, saved.version)})


@router.post(
    "/{return_id}/submit",
    status_code=201,
    response_model=Receipt,
    openapi_extra=BEARER_TOO,
    summary="Submit the return; the receipt number comes back at once",
    description="Validates on the server exactly as the form does: any problem is a 422 "
    "problem document whose `errors[]` lists every one with its field. Send an "
    "Idempotency-Key: a retry replays the first receipt and never files twice. If-Match is "
    "optional here; when sent it must be current.",
    responses={**IDEMPOTENCY_RESPONSES, 412: PRECONDITION_RESPONSES[412]},  # If-Match optional
)
async def submit_return(
    *,
    return_id: ReturnId,
    request: Request,
    context: WriteContextDep,
    idempotency_key: IdempotencyKeyHeader = None,
    payload: SubmitIn | None = None,
    if_match: IfMatch = None,
) -> Response:
    expected = expected_version(if_match, return_id, required=False)
    answers = payload.answers if payload is not None else None
    # After the caller: keys belong to the filing session, not to every anonymous caller.
    claim = None if idempotency_key is None else await claim_request(request, idempotency_key)
    ask = submission.Submission(return_id, expected, answers, claim)
    sent = await submission.submit(context, ask)
    return sent.to_response()
