"""Use cases of applications outside the workflow: file a draft, read, list, edit, attach.

Firms act only on their own applications (another firm's reads as 404); drafts are edited
with optimistic concurrency: the caller's ``If-Match`` must carry the current ETag.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from common.audit import RequestAudit
from common.auth import Principal, Role, ensure_same_business
from common.ccc_code import normalise_ccc
from common.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    UnprocessableContent,
)
from common.pagination import split_page
from inspection.applications import repository
from inspection.applications.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    ApplicationPatch,
    ApplicationSummary,
    DocumentIn,
)
from inspection.applications.views import application_out, etag
from inspection.domain.identifiers import InvalidIdentifier, parse_certificate_number
from inspection.domain.rpc_modules import UnknownRpcModules, parse_rpc_modules
from inspection.domain.schemes import UnknownScheme, parse_scheme
from inspection.domain.stages import ActorRole, Stage

RECORD = "inspection_application"


def actor_role(principal: Principal) -> ActorRole | None:
    return {Role.FIRM: ActorRole.FIRM, Role.OFFICER: ActorRole.OFFICER}.get(principal.role)


def _checked_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Normalised fields; a malformed CCC code, scheme or module choice is a 422."""
    checked = dict(values)
    try:
        if "scheme" in checked:
            checked["scheme"] = parse_scheme(checked["scheme"]).value
        if checked.get("rpc_modules"):
            checked["rpc_modules"] = parse_rpc_modules(checked["rpc_modules"]).label
        if checked.get("type_approval_number"):
            number = parse_certificate_number(checked["type_approval_number"])
            checked["type_approval_number"] = str(number)
    except (UnknownScheme, UnknownRpcModules, InvalidIdentifier) as error:
        raise UnprocessableContent(str(error)) from None
    if "ccc_code" in checked:
        code = normalise_ccc(checked["ccc_code"])
        if code is None:
            raise UnprocessableContent(f"{checked['ccc_code']!r} is not an 11-digit CCC code")
        checked["ccc_code"] = code
    return checked


async def create(
    session: AsyncSession, principal: Principal, body: ApplicationIn, audit: RequestAudit
) -> tuple[ApplicationOut, str]:
    assert principal.business_id is not None  # only firms file (require_roles)
    values = _checked_fields(body.model_dump())
    values |= {"business_id": principal.business_id, "stage": Stage.DRAFT.value}
    application_id = await repository.insert_application(session, values)
    await audit.record("application.create", RECORD, str(application_id))
    return await read(session, principal, application_id)


async def owned(
    session: AsyncSession, principal: Principal, application_id: int, *, lock: bool = False
) -> RowMapping:
    row = await repository.get(session, application_id, lock=lock)
    if row is None:
        raise NotFound(f"no application {application_id}")
    ensure_same_business(principal, row["business_id"])
    return row


async def read(
    session: AsyncSession, principal: Principal, application_id: int
) -> tuple[ApplicationOut, str]:
    """The application and its ETag."""
    row = await owned(session, principal, application_id)
    documents = await repository.documents(session, application_id)
    return application_out(row, documents, actor_role(principal)), etag(row)


def check_if_match(row: RowMapping, if_match: str | None) -> None:
    if if_match is None:
        raise PreconditionRequired("send If-Match with the ETag you last read")
    if etag(row) not in {tag.strip() for tag in if_match.split(",")}:
        raise PreconditionFailed("the application changed since you read it; read it again")


async def edit_draft(
    session: AsyncSession,
    principal: Principal,
    application_id: int,
    *,
    body: ApplicationPatch,
    if_match: str | None,
    audit: RequestAudit,
) -> tuple[ApplicationOut, str]:
    row = await owned(session, principal, application_id, lock=True)
    check_if_match(row, if_match)
    if row["stage"] != Stage.DRAFT.value:
        raise Conflict(f"only a draft can be edited; this application is {row['stage']}")
    changes = _checked_fields(body.model_dump(exclude_unset=True))
    await repository.save(session, application_id, changes)
    await audit.record(
        "application.edit", RECORD, str(application_id), details={"fields": sorted(changes)}
    )
    return await read(session, principal, application_id)


async def attach(
    session: AsyncSession,
    principal: Principal,
    application_id: int,
    *,
    body: DocumentIn,
    audit: RequestAudit,
) -> tuple[ApplicationOut, str]:
    row = await owned(session, principal, application_id, lock=True)
    if row["stage"] != Stage.DRAFT.value:
        raise Conflict(f"attach documents to a draft; this application is {row['stage']}")
    await repository.add_document(session, {**body.model_dump(), "application_id": application_id})
    await repository.save(session, application_id, {})
    details = {"kind": body.kind.value, "sha256": body.sha256}
    await audit.record("application.attach", RECORD, str(application_id), details=details)
    return await read(session, principal, application_id)


async def listing(
    session: AsyncSession,
    principal: Principal,
    *,
    stage: Stage | None,
    cursor: str | None,
    limit: int,
) -> ApplicationPage:
    business_id = principal.business_id if principal.role is Role.FIRM else None
    rows = await repository.page(
        session,
        business_id=business_id,
        stage=stage.value if stage else None,
        cursor=cursor,
        limit=limit,
    )
    kept, next_cursor = split_page(rows, limit, lambda row: [row["id"]])
    items = [ApplicationSummary.model_validate(dict(row)) for row in kept]
    return ApplicationPage(items=items, next_cursor=next_cursor)
