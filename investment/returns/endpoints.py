"""Routes of the filing path: open a return, save drafts, submit; firms list their returns."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request, Response

from common.audit import AuditDep
from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep
from common.pii import FieldCipher
from investment.campaigns.forms import app_forms
from investment.invitations.access import CallerDep
from investment.returns import service
from investment.returns.etags import expected_version, return_etag
from investment.returns.schemas import (
    DraftIn,
    DraftSaved,
    FirmReturn,
    Receipt,
    ReturnView,
    SubmitIn,
)
from investment.returns.service import FilingContext

router = ServiceRouter(prefix="/returns", tags=["returns"])

ReturnId = Annotated[int, Path(ge=1, le=2**63 - 1)]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=100)]
Firm = Annotated[Principal, Depends(require_roles(Role.FIRM))]
PRIVATE = "private, no-store"


async def _context(request: Request, session: SessionDep, caller: CallerDep) -> FilingContext:
    """Everything the filing path needs, as one dependency: the form cache and the cipher come
    from the app state, because each dependency FastAPI solves costs tens of microseconds."""
    cipher: FieldCipher = request.app.state.pii_cipher
    return FilingContext(session, app_forms(request.app), cipher, caller)


Context = Annotated[FilingContext, Depends(_context)]


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
    summary="Open a return (prefilled from the registry and last year's answers)",
    description="A return not started yet comes prefilled, each answer with its source; the "
    "`problems` are what the server would refuse on submit. The ETag is the version to send "
    "back in If-Match. Reading it is audited (it holds the contact person's data).",
)
async def get_return(
    return_id: ReturnId, response: Response, context: Context, audit: AuditDep
) -> ReturnView:
    view = await service.view(context, return_id)
    await audit.record("return.read", "survey_return", str(return_id))
    response.headers["ETag"] = return_etag(return_id, view.version)
    response.headers["Cache-Control"] = PRIVATE
    return view


@router.put(
    "/{return_id}/draft",
    response_model=DraftSaved,
    summary="Save a draft (If-Match required)",
    description="Saves even invalid answers and lists every problem at once, each with its "
    "field. If another tab saved first, the ETag is stale: 412, reload and retry.",
    responses={412: {"description": "Stale ETag"}, 428: {"description": "If-Match missing"}},
)
async def save_draft(
    *,
    return_id: ReturnId,
    payload: DraftIn,
    response: Response,
    context: Context,
    audit: AuditDep,
    if_match: IfMatch = None,
) -> DraftSaved:
    expected = expected_version(if_match, return_id, required=True)
    assert expected is not None
    saved = await service.save_draft(context, return_id, expected, payload.answers)
    details = {"version": saved.version, "problems": len(saved.problems)}
    await audit.record("return.draft_saved", "survey_return", str(return_id), details=details)
    response.headers["ETag"] = return_etag(return_id, saved.version)
    return saved


@router.post(
    "/{return_id}/submit",
    status_code=201,
    response_model=Receipt,
    summary="Submit the return; the receipt number comes back at once",
    description="Validates on the server exactly as the form does: any problem is a 422 "
    "problem document whose `errors[]` lists every one with its field. Send an "
    "Idempotency-Key: a retry replays the first receipt and never files twice. If-Match is "
    "optional here; when sent it must be current.",
    responses={**IDEMPOTENCY_RESPONSES, 412: {"description": "Stale ETag"}},
)
async def submit_return(
    *,
    return_id: ReturnId,
    response: Response,
    context: Context,
    audit: AuditDep,
    _idempotency: IdempotencyDep,  # after the context: keys belong to the filing session
    payload: SubmitIn | None = None,
    if_match: IfMatch = None,
) -> Receipt:
    expected = expected_version(if_match, return_id, required=False)
    answers = payload.answers if payload is not None else None
    receipt = await service.submit(context, return_id, expected, answers)
    details = {"receipt_number": receipt.receipt_number}
    await audit.record("return.submit", "survey_return", str(return_id), details=details)
    response.headers["ETag"] = return_etag(return_id, receipt.version)
    return receipt
