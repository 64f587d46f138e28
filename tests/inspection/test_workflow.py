"""The application workflow: each scheme end to end, and every refusal with its code."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from inspection.domain.documents import DocumentKind
from inspection.domain.errors import InvalidTransition, Refusal
from inspection.domain.identifiers import MarkId, MarkSeries
from inspection.domain.rpc_modules import parse_rpc_modules
from inspection.domain.schemes import SCHEMES, Scheme
from inspection.domain.stages import ActionKind, ActorRole, Stage
from inspection.domain.status import CertificateStatus
from inspection.domain.workflow import (
    Accept,
    Action,
    Application,
    Fail,
    Pass,
    RequestReinspection,
    Return,
    StartSampling,
    StartTesting,
    Submit,
    TypeApprovalRef,
    Withdraw,
    allowed_actions,
    required_documents,
    transition,
)

NOW = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
FIRM, OFFICER = ActorRole.FIRM, ActorRole.OFFICER
TYPE_APPROVAL = TypeApprovalRef(
    "TA113000042", CertificateStatus.VALID, date(2024, 1, 1), date(2026, 12, 31)
)


def ready(scheme: Scheme) -> Application:
    """A draft with every document the scheme needs (and the RPC modules / type approval)."""
    app = Application(scheme)
    if scheme is Scheme.RPC:
        app = replace(app, rpc_modules=parse_rpc_modules("2+3"))
    if scheme is Scheme.TYPE_APPROVAL_BATCH:
        app = replace(app, type_approval=TYPE_APPROVAL)
    return replace(app, documents=required_documents(app))


def run(app: Application, *steps: tuple[Action, ActorRole]) -> Application:
    for number, (action, role) in enumerate(steps):
        app = transition(app, action, role, NOW + timedelta(minutes=number))
    return app


def refusal(app: Application, action: Action, role: ActorRole) -> InvalidTransition:
    with pytest.raises(InvalidTransition) as caught:
        transition(app, action, role, NOW)
    return caught.value


def filed(scheme: Scheme) -> Application:
    return run(ready(scheme), (Submit(), FIRM), (Accept(), OFFICER))


def test_batch_runs_sampling_and_testing_to_a_certificate() -> None:
    app = run(
        filed(Scheme.BATCH),
        (StartSampling(), OFFICER),
        (StartTesting(), OFFICER),
        (Pass("ic-114-000001", MarkId(MarkSeries.C, "00012345")), OFFICER),
    )
    assert app.stage is Stage.PASSED
    assert app.certificate_number == "IC114000001"
    assert app.mark_id == MarkId(MarkSeries.C, "00012345")
    assert app.updated_at == NOW + timedelta(minutes=2)


def test_batch_cannot_pass_without_sampling_and_testing() -> None:
    error = refusal(filed(Scheme.BATCH), Pass("IC114000001"), OFFICER)
    assert error.code is Refusal.NOT_ALLOWED_IN_STAGE
    assert "逐批檢驗" in error.reason


@pytest.mark.parametrize("scheme", [Scheme.TYPE_APPROVAL_BATCH, Scheme.MONITORING])
def test_type_approval_and_monitoring_batches_may_pass_on_documents(scheme: Scheme) -> None:
    app = run(filed(scheme), (Pass("IC114000002"), OFFICER))
    assert app.stage is Stage.PASSED


def test_rpc_passes_with_its_certificate_and_r_code_and_never_samples() -> None:
    app = filed(Scheme.RPC)
    assert refusal(app, StartSampling(), OFFICER).code is Refusal.NOT_ALLOWED_IN_STAGE
    tested = run(app, (StartTesting(), OFFICER))
    done = run(tested, (Pass("RC114000003", MarkId(MarkSeries.R, "33001")), OFFICER))
    assert (done.stage, done.certificate_number) == (Stage.PASSED, "RC114000003")


def test_doc_is_a_document_review_without_sampling_or_testing() -> None:
    app = filed(Scheme.DOC)
    assert refusal(app, StartTesting(), OFFICER).code is Refusal.NOT_ALLOWED_IN_STAGE
    assert refusal(app, StartSampling(), OFFICER).code is Refusal.NOT_ALLOWED_IN_STAGE
    done = run(app, (Pass("DC114000004", MarkId(MarkSeries.D, "3A001")), OFFICER))
    assert done.stage is Stage.PASSED


@pytest.mark.parametrize(
    ("scheme", "mark", "code"),
    [
        (Scheme.RPC, None, Refusal.MARK_REQUIRED),
        (Scheme.DOC, MarkId(MarkSeries.R, "33001"), Refusal.WRONG_MARK_SERIES),
        (Scheme.TYPE_APPROVAL_BATCH, MarkId(MarkSeries.D, "33001"), Refusal.WRONG_MARK_SERIES),
    ],
)
def test_marks_must_match_the_scheme(scheme: Scheme, mark: MarkId | None, code: Refusal) -> None:
    number = f"{SCHEMES[scheme].certificate.value}114000005"
    app = filed(scheme)
    assert refusal(app, Pass(number, mark), OFFICER).code is code


@pytest.mark.parametrize("number", ["RC114000006", "IC114", "nonsense", "IC114000000"])
def test_certificate_number_must_be_well_formed_and_of_the_schemes_kind(number: str) -> None:
    app = filed(Scheme.TYPE_APPROVAL_BATCH)
    assert refusal(app, Pass(number), OFFICER).code is Refusal.INVALID_CERTIFICATE_NUMBER


@pytest.mark.parametrize(
    ("action", "role"),
    [
        (Submit(), OFFICER),
        (Accept(), FIRM),
        (Pass("IC114000001"), FIRM),
        (RequestReinspection(), OFFICER),
    ],
)
def test_each_action_belongs_to_one_role(action: Action, role: ActorRole) -> None:
    assert refusal(ready(Scheme.BATCH), action, role).code is Refusal.ROLE_NOT_ALLOWED


def test_role_is_checked_before_stage_so_a_firm_learns_nothing_about_officer_steps() -> None:
    passed = run(filed(Scheme.DOC), (Pass("DC114000001", MarkId(MarkSeries.D, "12345")), OFFICER))
    assert refusal(passed, Accept(), FIRM).code is Refusal.ROLE_NOT_ALLOWED


def test_missing_documents_are_named() -> None:
    app = replace(ready(Scheme.BATCH), documents=frozenset({DocumentKind.APPLICATION_FORM}))
    error = refusal(app, Submit(), FIRM)
    assert error.code is Refusal.MISSING_DOCUMENTS
    assert "product_catalogue" in error.reason and "shipment_documents" in error.reason


def test_rpc_modules_add_their_evidence_and_are_required() -> None:
    app = replace(ready(Scheme.RPC), rpc_modules=parse_rpc_modules("2+4"))
    assert DocumentKind.QMS_CERTIFICATE in required_documents(app)
    assert refusal(app, Submit(), FIRM).code is Refusal.MISSING_DOCUMENTS
    assert refusal(replace(app, rpc_modules=None), Submit(), FIRM).code is (
        Refusal.RPC_MODULES_REQUIRED
    )
    batch = replace(ready(Scheme.BATCH), rpc_modules=parse_rpc_modules("2+3"))
    assert refusal(batch, Submit(), FIRM).code is Refusal.RPC_MODULES_NOT_APPLICABLE


@pytest.mark.parametrize(
    ("approval", "code"),
    [
        (None, Refusal.TYPE_APPROVAL_REQUIRED),
        (replace(TYPE_APPROVAL, valid_until=date(2025, 3, 9)), Refusal.TYPE_APPROVAL_NOT_VALID),
        (replace(TYPE_APPROVAL, valid_from=date(2025, 3, 11)), Refusal.TYPE_APPROVAL_NOT_VALID),
        (
            replace(TYPE_APPROVAL, status=CertificateStatus.SUSPENDED),
            Refusal.TYPE_APPROVAL_NOT_VALID,
        ),
    ],
)
def test_type_approval_batch_needs_a_valid_certificate_when_submitted(
    approval: TypeApprovalRef | None, code: Refusal
) -> None:
    app = replace(ready(Scheme.TYPE_APPROVAL_BATCH), type_approval=approval)
    assert refusal(app, Submit(), FIRM).code is code


def test_type_approval_expiring_between_submission_and_acceptance_blocks_acceptance() -> None:
    approval = replace(TYPE_APPROVAL, valid_until=date(2025, 3, 10))
    submitted = run(
        replace(ready(Scheme.TYPE_APPROVAL_BATCH), type_approval=approval), (Submit(), FIRM)
    )
    # 2025-03-10T16:00Z is 2025-03-11 00:00 in Taipei: the certificate's last day has passed.
    with pytest.raises(InvalidTransition) as caught:
        transition(submitted, Accept(), OFFICER, datetime(2025, 3, 10, 16, 0, tzinfo=UTC))
    assert caught.value.code is Refusal.TYPE_APPROVAL_NOT_VALID


def test_return_sends_it_back_with_a_reason_and_resubmission_clears_it() -> None:
    returned = run(ready(Scheme.BATCH), (Submit(), FIRM), (Return("發票金額不符"), OFFICER))
    assert (returned.stage, returned.return_reason) == (Stage.DRAFT, "發票金額不符")
    assert run(returned, (Submit(), FIRM)).return_reason is None
    submitted = run(ready(Scheme.BATCH), (Submit(), FIRM))
    assert refusal(submitted, Return("  "), OFFICER).code is Refusal.REASON_REQUIRED


def test_withdraw_only_before_acceptance() -> None:
    assert run(ready(Scheme.DOC), (Withdraw(), FIRM)).stage is Stage.WITHDRAWN
    assert refusal(filed(Scheme.DOC), Withdraw(), FIRM).code is Refusal.NOT_ALLOWED_IN_STAGE


def test_failure_records_the_notice_and_refuses_a_future_service_date() -> None:
    testing = run(filed(Scheme.BATCH), (StartSampling(), OFFICER), (StartTesting(), OFFICER))
    failed = transition(testing, Fail(" N-001 ", NOW, "耐電壓不合格"), OFFICER, NOW)
    assert failed.stage is Stage.FAILED
    assert failed.failure is not None and failed.failure.number == "N-001"
    later = Fail("N-002", NOW + timedelta(seconds=1), "x")
    assert refusal(testing, later, OFFICER).code is Refusal.INVALID_NOTICE


def test_naive_clock_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        transition(ready(Scheme.BATCH), Submit(), FIRM, datetime(2025, 3, 10, 10, 0))


def test_allowed_actions_follow_the_table_and_the_role() -> None:
    accepted = filed(Scheme.TYPE_APPROVAL_BATCH)
    assert allowed_actions(accepted, OFFICER) == {
        ActionKind.START_SAMPLING,
        ActionKind.CONFORMING,
        ActionKind.NONCONFORMING,
    }
    assert allowed_actions(accepted, FIRM) == frozenset()
    assert allowed_actions(ready(Scheme.DOC), FIRM) == {ActionKind.SUBMIT, ActionKind.WITHDRAW}


def test_a_refused_step_leaves_the_application_unchanged() -> None:
    app = filed(Scheme.BATCH)
    before = replace(app)
    with pytest.raises(InvalidTransition):
        transition(app, Pass("IC114000001"), OFFICER, NOW)
    assert app == before and app.stage is Stage.ACCEPTED
