"""Stored rows to the domain's Application and to responses (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import RowMapping

from inspection.applications.schemas import ApplicationOut, DocumentOut, FailureOut
from inspection.domain.documents import DocumentKind
from inspection.domain.identifiers import parse_mark_id
from inspection.domain.reinspection import FailureNotice, reinspection_last_day
from inspection.domain.rpc_modules import parse_rpc_modules
from inspection.domain.schemes import Scheme
from inspection.domain.stages import ActorRole, Stage
from inspection.domain.workflow import Application, TypeApprovalRef, allowed_actions


def failure_of(row: RowMapping) -> FailureNotice | None:
    if row["failure_notice_number"] is None:
        return None
    return FailureNotice(
        row["failure_notice_number"], row["failure_served_at"], row["failure_reason"]
    )


def domain_application(
    row: RowMapping, documents: Sequence[RowMapping], type_approval: TypeApprovalRef | None
) -> Application:
    modules = row["rpc_modules"]
    mark = row["mark_id"]
    return Application(
        scheme=Scheme(row["scheme"]),
        stage=Stage(row["stage"]),
        documents=frozenset(DocumentKind(document["kind"]) for document in documents),
        rpc_modules=parse_rpc_modules(modules) if modules else None,
        type_approval=type_approval,
        certificate_number=row["certificate_number"],
        mark_id=parse_mark_id(mark) if mark else None,
        failure=failure_of(row),
        reinspections_used=row["reinspections_used"],
        return_reason=row["return_reason"],
        updated_at=row["updated_at"],
    )


def etag(row: RowMapping) -> str:
    return f'"{row["id"]}-{row["version"]}"'


def application_out(
    row: RowMapping, documents: Sequence[RowMapping], role: ActorRole | None
) -> ApplicationOut:
    notice = failure_of(row)
    failure = None
    if notice is not None:
        failure = FailureOut(
            notice_number=notice.number,
            served_at=notice.served_at,
            reason=notice.reason,
            reinspection_last_day=reinspection_last_day(notice.served_at),
        )
    application = domain_application(row, documents, None)
    actions = sorted(allowed_actions(application, role)) if role is not None else []
    fields = {name: row[name] for name in ApplicationOut.model_fields if name in row}
    return ApplicationOut(
        **{**fields, "failure": failure, "allowed_actions": actions},
        documents=[DocumentOut.model_validate(dict(document)) for document in documents],
    )
