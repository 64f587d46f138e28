"""The inspection application's state machine: ``transition`` decides every step.

``transition(application, action, actor_role, now)`` returns the application after the step or
raises InvalidTransition with a code and a reason; it is pure and deterministic (the clock is the
``now`` argument, which must be timezone-aware). Checks run in a fixed order: the actor's role,
then whether the scheme's table allows the action in the current stage, then the action's own
guards (documents, type approval, certificate number, re-inspection deadline).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from inspection.domain.documents import DocumentKind
from inspection.domain.errors import InvalidTransition, Refusal
from inspection.domain.identifiers import InvalidIdentifier, MarkId, parse_certificate_number
from inspection.domain.reinspection import FailureNotice, check_reinspection_request
from inspection.domain.rpc_modules import RpcModules
from inspection.domain.schemes import SCHEMES, Scheme, SchemeSpec
from inspection.domain.stages import ACTION_ROLES, ActionKind, ActorRole, Stage
from inspection.domain.status import CertificateStatus
from inspection.domain.taipei_time import require_aware, taipei_date

__all__ = [
    "Accept",
    "Action",
    "Application",
    "Fail",
    "Pass",
    "RequestReinspection",
    "Return",
    "StartSampling",
    "StartTesting",
    "Submit",
    "TypeApprovalRef",
    "Withdraw",
    "allowed_actions",
    "required_documents",
    "transition",
]


@dataclass(frozen=True, slots=True)
class TypeApprovalRef:
    """The type-approval certificate a type-approval batch relies on, as the service read it."""

    number: str
    status: CertificateStatus
    valid_from: date
    valid_until: date


@dataclass(frozen=True, slots=True)
class Application:
    """What the workflow needs of one application (報驗); the service keeps the rest."""

    scheme: Scheme
    stage: Stage = Stage.DRAFT
    documents: frozenset[DocumentKind] = frozenset()
    rpc_modules: RpcModules | None = None
    type_approval: TypeApprovalRef | None = None
    certificate_number: str | None = None
    mark_id: MarkId | None = None
    failure: FailureNotice | None = None
    reinspections_used: int = 0
    return_reason: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Submit:
    kind: ClassVar[ActionKind] = ActionKind.SUBMIT


@dataclass(frozen=True, slots=True)
class Withdraw:
    kind: ClassVar[ActionKind] = ActionKind.WITHDRAW


@dataclass(frozen=True, slots=True)
class Return:
    """Back to the firm for correction (退件補正), with what to correct."""

    reason: str
    kind: ClassVar[ActionKind] = ActionKind.RETURN


@dataclass(frozen=True, slots=True)
class Accept:
    kind: ClassVar[ActionKind] = ActionKind.ACCEPT


@dataclass(frozen=True, slots=True)
class StartSampling:
    kind: ClassVar[ActionKind] = ActionKind.START_SAMPLING


@dataclass(frozen=True, slots=True)
class StartTesting:
    kind: ClassVar[ActionKind] = ActionKind.START_TESTING


@dataclass(frozen=True, slots=True)
class Pass:
    """Passed: the certificate number issued and, where the scheme uses one, the mark ID."""

    certificate_number: str
    mark_id: MarkId | None = None
    kind: ClassVar[ActionKind] = ActionKind.CONFORMING


@dataclass(frozen=True, slots=True)
class Fail:
    """Failed: the failure notice (不合格通知書) and when it was served."""

    notice_number: str
    served_at: datetime
    reason: str
    kind: ClassVar[ActionKind] = ActionKind.NONCONFORMING


@dataclass(frozen=True, slots=True)
class RequestReinspection:
    kind: ClassVar[ActionKind] = ActionKind.REQUEST_REINSPECTION


Action = (
    Submit
    | Withdraw
    | Return
    | Accept
    | StartSampling
    | StartTesting
    | Pass
    | Fail
    | RequestReinspection
)


def transition(
    application: Application, action: Action, actor_role: ActorRole, now: datetime
) -> Application:
    """The application after ``action`` by ``actor_role`` at ``now``; InvalidTransition if not."""
    require_aware(now, "now")
    spec = SCHEMES[application.scheme]
    _check_role(action.kind, actor_role)
    _check_reinspection_offered(spec, action.kind)
    target = _target(spec, application.stage, action.kind)
    changed = _apply(spec, application, action, now)
    return dataclasses.replace(changed, stage=target, updated_at=now)


def allowed_actions(application: Application, actor_role: ActorRole) -> frozenset[ActionKind]:
    """The actions the scheme's table offers this role now (guards are checked on the step)."""
    table = SCHEMES[application.scheme].transitions
    return frozenset(
        action
        for stage, action in table
        if stage is application.stage and ACTION_ROLES[action] is actor_role
    )


def required_documents(application: Application) -> frozenset[DocumentKind]:
    """The documents the scheme, and for RPC the module combination, require."""
    documents = SCHEMES[application.scheme].required_documents
    if application.rpc_modules is not None:
        documents |= {application.rpc_modules.evidence}
    return documents


def _check_role(action: ActionKind, actor_role: ActorRole) -> None:
    if ACTION_ROLES[action] is not actor_role:
        raise InvalidTransition(
            Refusal.ROLE_NOT_ALLOWED,
            f"only the {ACTION_ROLES[action].value} may {action.value} an application",
        )


def _check_reinspection_offered(spec: SchemeSpec, action: ActionKind) -> None:
    if action is ActionKind.REQUEST_REINSPECTION and not spec.allows_reinspection:
        raise InvalidTransition(
            Refusal.REINSPECTION_NOT_OFFERED,
            f"{spec.name_en} offers no re-inspection; a refusal is appealed instead",
        )


def _target(spec: SchemeSpec, stage: Stage, action: ActionKind) -> Stage:
    target = spec.transitions.get((stage, action))
    if target is None:
        raise InvalidTransition(
            Refusal.NOT_ALLOWED_IN_STAGE,
            f"cannot {action.value} a {stage.value} application under {spec.name_en} "
            f"({spec.name_zh})",
        )
    return target


def _apply(spec: SchemeSpec, app: Application, action: Action, now: datetime) -> Application:
    changed = app
    match action:
        case Submit():
            _check_submission(spec, app, now)
            changed = dataclasses.replace(app, return_reason=None)
        case Accept():
            _check_type_approval(spec, app, now)
        case Return():
            changed = dataclasses.replace(
                app, return_reason=_required_text(action.reason, "reason")
            )
        case Pass():
            changed = _passed(spec, app, action)
        case Fail():
            changed = dataclasses.replace(app, failure=_notice(action, now))
        case RequestReinspection():
            changed = _reinspection(app, now)
    return changed


def _check_submission(spec: SchemeSpec, app: Application, now: datetime) -> None:
    if spec.requires_rpc_modules and app.rpc_modules is None:
        raise InvalidTransition(
            Refusal.RPC_MODULES_REQUIRED, "choose the RPC modules, e.g. 2+3 or 2+4"
        )
    if not spec.requires_rpc_modules and app.rpc_modules is not None:
        raise InvalidTransition(
            Refusal.RPC_MODULES_NOT_APPLICABLE, f"{spec.name_en} has no RPC modules"
        )
    missing = required_documents(app) - app.documents
    if missing:
        names = ", ".join(sorted(missing))
        raise InvalidTransition(Refusal.MISSING_DOCUMENTS, f"missing documents: {names}")
    _check_type_approval(spec, app, now)


def _check_type_approval(spec: SchemeSpec, app: Application, now: datetime) -> None:
    if not spec.requires_type_approval:
        return
    approval = app.type_approval
    if approval is None:
        raise InvalidTransition(
            Refusal.TYPE_APPROVAL_REQUIRED,
            "a type-approval batch needs a type-approval certificate",
        )
    today = taipei_date(now)
    in_dates = approval.valid_from <= today <= approval.valid_until
    if approval.status is not CertificateStatus.VALID or not in_dates:
        raise InvalidTransition(
            Refusal.TYPE_APPROVAL_NOT_VALID,
            f"type-approval certificate {approval.number} is not valid on {today.isoformat()} "
            f"(status {approval.status.value}, "
            f"valid {approval.valid_from}..{approval.valid_until})",
        )


def _passed(spec: SchemeSpec, app: Application, action: Pass) -> Application:
    try:
        number = parse_certificate_number(action.certificate_number)
    except InvalidIdentifier as error:
        raise InvalidTransition(Refusal.INVALID_CERTIFICATE_NUMBER, str(error)) from None
    if number.kind is not spec.certificate:
        raise InvalidTransition(
            Refusal.INVALID_CERTIFICATE_NUMBER,
            f"{spec.name_en} issues {spec.certificate.value} certificates, not {number.kind.value}",
        )
    _check_mark(spec, action.mark_id)
    return dataclasses.replace(app, certificate_number=str(number), mark_id=action.mark_id)


def _check_mark(spec: SchemeSpec, mark: MarkId | None) -> None:
    if mark is None:
        if spec.requires_mark:
            raise InvalidTransition(Refusal.MARK_REQUIRED, f"{spec.name_en} designates a mark ID")
        return
    if mark.series not in spec.mark_series:
        allowed = "/".join(sorted(spec.mark_series))
        raise InvalidTransition(
            Refusal.WRONG_MARK_SERIES,
            f"{spec.name_en} uses {allowed}-series marks, not {mark.series.value}",
        )


def _notice(action: Fail, now: datetime) -> FailureNotice:
    served_at = require_aware(action.served_at, "served_at")
    if served_at > now:
        raise InvalidTransition(Refusal.INVALID_NOTICE, "a failure notice cannot be served later")
    number = _required_text(action.notice_number, "notice_number")
    return FailureNotice(number, served_at, _required_text(action.reason, "reason"))


def _reinspection(app: Application, now: datetime) -> Application:
    if app.failure is None:
        raise InvalidTransition(Refusal.REINSPECTION_NOT_OFFERED, "no failure notice to dispute")
    check_reinspection_request(app.failure, app.reinspections_used, now)
    return dataclasses.replace(app, reinspections_used=app.reinspections_used + 1)


def _required_text(value: str, name: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidTransition(Refusal.REASON_REQUIRED, f"{name} must not be empty")
    return text
