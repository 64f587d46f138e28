"""Routes of filings: thin wrappers that authorize, call the service and set the ETag.

The workflow steps are one route each, made from the rows of ``steps.STEPS``.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Query, Request, Response

from common.audit import AuditDep, RequestAudit
from common.auth import Principal, Role, require_roles
from common.database import ServiceRouter, SessionDep
from common.errors import PRECONDITION_RESPONSES
from common.fields import PositiveInt64
from common.idempotency import IDEMPOTENCY_RESPONSES, IdempotencyDep
from common.pagination import Cursor, Limit, Page
from common.pii import CipherDep, FieldCipher
from tax_exemption.filings import service
from tax_exemption.filings.etag import filing_etag
from tax_exemption.filings.schemas import FilingFilter, FilingIn, FilingOut, FilingSummary
from tax_exemption.filings.steps import STEPS, WorkflowStep

router = ServiceRouter(prefix="/filings", tags=["filings"])
Caller = Annotated[Principal, Depends(require_roles(Role.FIRM, Role.OFFICER))]
Firm = Annotated[Principal, Depends(require_roles(Role.FIRM))]
Officer = Annotated[Principal, Depends(require_roles(Role.OFFICER))]
SIDES = {Role.FIRM: Firm, Role.OFFICER: Officer}  # the role gate of a workflow step's side
FilingId = Annotated[PositiveInt64, Path(description="Filing id")]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200)]


def _tagged(response: Response, filing: FilingOut) -> FilingOut:
    response.headers["ETag"] = filing_etag(filing.id, filing.version)
    return filing


@router.post(
    "",
    response_model=FilingOut,
    status_code=201,
    summary="Start a filing (saved as a draft)",
    responses=IDEMPOTENCY_RESPONSES,
)
async def create_filing(
    *,
    request: Request,
    response: Response,
    body: FilingIn,
    principal: Caller,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
    _idempotency: IdempotencyDep,
) -> FilingOut:
    agency = request.app.state.settings.agency
    filing = await service.create(session, audit, cipher, principal, body, agency=agency)
    response.headers["Location"] = f"{request.url.path}/{filing.id}"
    return _tagged(response, filing)


@router.get("", response_model=Page[FilingSummary], summary="Filings the caller may see")
async def list_filings(
    *,
    principal: Caller,
    session: SessionDep,
    params: Annotated[FilingFilter, Query()],
    cursor: Cursor = None,
    limit: Limit = 20,
) -> Page[FilingSummary]:
    return await service.list_filings(session, principal, params, cursor, limit)


@router.get("/{filing_id}", response_model=FilingOut, summary="One filing")
async def get_filing(
    *,
    response: Response,
    filing_id: FilingId,
    principal: Caller,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
) -> FilingOut:
    return _tagged(response, await service.read(session, audit, cipher, principal, filing_id))


@router.put(
    "/{filing_id}",
    response_model=FilingOut,
    responses=PRECONDITION_RESPONSES,
    summary="Save a draft (needs If-Match)",
)
async def replace_draft(
    *,
    response: Response,
    filing_id: FilingId,
    body: FilingIn,
    principal: Firm,
    session: SessionDep,
    audit: AuditDep,
    cipher: CipherDep,
    if_match: IfMatch = None,
) -> FilingOut:
    filing = await service.replace_draft(
        session, audit, cipher, principal, filing_id, if_match=if_match, body=body
    )
    return _tagged(response, filing)


# The endpoint of one workflow step. FastAPI reads its parameters from ``__signature__``, built
# from the step's row: its body model, its side's role gate, If-Match where it takes one. (No
# docstring: FastAPI would publish it as every step's OpenAPI description.)
class _StepEndpoint:
    def __init__(self, workflow_step: WorkflowStep[Any]) -> None:
        self.workflow_step = workflow_step
        self.__signature__ = inspect.Signature(
            _parameters(workflow_step), return_annotation=FilingOut
        )

    async def __call__(
        self,
        *,
        response: Response,
        filing_id: int,
        principal: Principal,
        audit: RequestAudit,
        cipher: FieldCipher,
        body: Any = None,
        if_match: str | None = None,
    ) -> FilingOut:
        filing = await service.take(
            audit, cipher, principal, filing_id, self.workflow_step, body=body, if_match=if_match
        )
        return _tagged(response, filing)


def _keyword(
    name: str, annotation: Any, default: Any = inspect.Parameter.empty
) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _parameters(workflow_step: WorkflowStep[Any]) -> list[inspect.Parameter]:
    body = [] if workflow_step.body is None else [_keyword("body", workflow_step.body)]
    if_match = [_keyword("if_match", IfMatch, None)] if workflow_step.if_match else []
    return [
        _keyword("response", Response),
        _keyword("filing_id", FilingId),
        *body,
        _keyword("principal", SIDES[workflow_step.side]),
        _keyword("audit", AuditDep),
        _keyword("cipher", CipherDep),
        *if_match,
    ]


for _step in STEPS:
    router.add_api_route(
        f"/{{filing_id}}/{_step.path}",
        _StepEndpoint(_step),
        methods=["POST"],
        name=_step.name,
        response_model=FilingOut,
        responses=PRECONDITION_RESPONSES if _step.if_match else None,
        summary=_step.summary,
    )
