"""The case workflow of a filing and of the certificate it yields: which step is allowed when.

Pure: the services ask ``next_status`` and turn ``None`` into 409. One table, so the rules an
officer reads here are the rules the API enforces.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "CERTIFICATE_STEPS",
    "FILING_STEPS",
    "CertificateAction",
    "CertificateStatus",
    "FilingAction",
    "FilingStatus",
    "next_certificate_status",
    "next_status",
]


class FilingStatus(StrEnum):
    DRAFT = "draft"  # 草稿 (save and return)
    SUBMITTED = "submitted"  # 已送件
    UNDER_REVIEW = "under_review"  # 審查中
    SUPPLEMENT_REQUESTED = "supplement_requested"  # 通知補正
    APPROVED = "approved"  # 核准 (some or all items)
    REJECTED = "rejected"  # 駁回 (every item)
    ISSUED = "issued"  # 已核發證明
    WITHDRAWN = "withdrawn"  # 撤回


class FilingAction(StrEnum):
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    REQUEST_SUPPLEMENT = "request_supplement"
    ANSWER_SUPPLEMENT = "answer_supplement"
    APPROVE = "approve"
    REJECT = "reject"
    ISSUE = "issue"
    WITHDRAW = "withdraw"


FILING_STEPS: dict[tuple[FilingStatus, FilingAction], FilingStatus] = {
    (FilingStatus.DRAFT, FilingAction.SUBMIT): FilingStatus.SUBMITTED,
    (FilingStatus.DRAFT, FilingAction.WITHDRAW): FilingStatus.WITHDRAWN,
    (FilingStatus.SUBMITTED, FilingAction.START_REVIEW): FilingStatus.UNDER_REVIEW,
    (FilingStatus.SUBMITTED, FilingAction.WITHDRAW): FilingStatus.WITHDRAWN,
    (FilingStatus.UNDER_REVIEW, FilingAction.REQUEST_SUPPLEMENT): (
        FilingStatus.SUPPLEMENT_REQUESTED
    ),
    (FilingStatus.UNDER_REVIEW, FilingAction.APPROVE): FilingStatus.APPROVED,
    (FilingStatus.UNDER_REVIEW, FilingAction.REJECT): FilingStatus.REJECTED,
    (FilingStatus.SUPPLEMENT_REQUESTED, FilingAction.ANSWER_SUPPLEMENT): (
        FilingStatus.UNDER_REVIEW
    ),
    (FilingStatus.SUPPLEMENT_REQUESTED, FilingAction.WITHDRAW): FilingStatus.WITHDRAWN,
    (FilingStatus.APPROVED, FilingAction.ISSUE): FilingStatus.ISSUED,
}


class CertificateStatus(StrEnum):
    ACTIVE = "active"  # 有效
    AMENDED = "amended"  # 已變更 (still valid, at a later revision)
    CANCELLED = "cancelled"  # 註銷 (from now on)
    VOIDED = "voided"  # 撤銷 (as if never issued)


class CertificateAction(StrEnum):
    AMEND = "amend"
    CANCEL = "cancel"
    VOID = "void"


_LIVE = (CertificateStatus.ACTIVE, CertificateStatus.AMENDED)
CERTIFICATE_STEPS: dict[tuple[CertificateStatus, CertificateAction], CertificateStatus] = {
    **{(status, CertificateAction.AMEND): CertificateStatus.AMENDED for status in _LIVE},
    **{(status, CertificateAction.CANCEL): CertificateStatus.CANCELLED for status in _LIVE},
    **{(status, CertificateAction.VOID): CertificateStatus.VOIDED for status in _LIVE},
}


def next_status(status: FilingStatus, action: FilingAction) -> FilingStatus | None:
    """Where ``action`` takes a filing in ``status``, or None when it is not allowed there."""
    return FILING_STEPS.get((status, action))


def next_certificate_status(
    status: CertificateStatus, action: CertificateAction
) -> CertificateStatus | None:
    return CERTIFICATE_STEPS.get((status, action))
