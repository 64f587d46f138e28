"""Scheme data: the stages each scheme uses, the evidence it requires, RPC module combinations."""

from __future__ import annotations

import pytest

from inspection.domain.documents import DocumentKind
from inspection.domain.identifiers import MarkSeries
from inspection.domain.rpc_modules import RpcModule, UnknownRpcModules, parse_rpc_modules
from inspection.domain.schemes import SCHEMES, Scheme, UnknownScheme, parse_scheme
from inspection.domain.stages import Stage

FILING = {Stage.DRAFT, Stage.SUBMITTED, Stage.ACCEPTED, Stage.WITHDRAWN}
OUTCOMES = {Stage.PASSED, Stage.FAILED}


def test_every_scheme_has_a_spec() -> None:
    assert set(SCHEMES) == set(Scheme)


@pytest.mark.parametrize(
    ("scheme", "extra"),
    [
        (Scheme.BATCH, {Stage.SAMPLING, Stage.TESTING}),
        (Scheme.TYPE_APPROVAL_BATCH, {Stage.SAMPLING, Stage.TESTING}),
        (Scheme.MONITORING, {Stage.SAMPLING, Stage.TESTING}),
        (Scheme.RPC, {Stage.TESTING}),
        (Scheme.DOC, set()),
    ],
)
def test_stages_each_scheme_uses(scheme: Scheme, extra: set[Stage]) -> None:
    assert SCHEMES[scheme].stages == FILING | OUTCOMES | extra


def test_only_the_sampling_schemes_offer_reinspection() -> None:
    offering = {s for s, spec in SCHEMES.items() if spec.allows_reinspection}
    assert offering == {Scheme.BATCH, Scheme.TYPE_APPROVAL_BATCH, Scheme.MONITORING}


def test_type_approval_batch_requires_its_certificate_and_doc_its_declaration() -> None:
    assert SCHEMES[Scheme.TYPE_APPROVAL_BATCH].requires_type_approval
    assert DocumentKind.TYPE_APPROVAL_CERTIFICATE in (
        SCHEMES[Scheme.TYPE_APPROVAL_BATCH].required_documents
    )
    assert DocumentKind.DECLARATION_OF_CONFORMITY in SCHEMES[Scheme.DOC].required_documents
    assert not any(
        spec.requires_type_approval
        for s, spec in SCHEMES.items()
        if s is not Scheme.TYPE_APPROVAL_BATCH
    )


def test_mark_series_follow_the_inspection_mark_regulation() -> None:
    assert SCHEMES[Scheme.RPC].mark_series == {MarkSeries.R}
    assert SCHEMES[Scheme.DOC].mark_series == {MarkSeries.D}
    assert MarkSeries.T in SCHEMES[Scheme.TYPE_APPROVAL_BATCH].mark_series
    assert MarkSeries.C in SCHEMES[Scheme.BATCH].mark_series


@pytest.mark.parametrize(
    ("text", "scheme"),
    [("batch", Scheme.BATCH), (" 驗證登錄 ", Scheme.RPC), ("符合性聲明", Scheme.DOC)],
)
def test_parse_scheme_accepts_identifier_and_chinese_name(text: str, scheme: Scheme) -> None:
    assert parse_scheme(text) is scheme


def test_unknown_scheme_names_the_choices() -> None:
    with pytest.raises(UnknownScheme, match="use one of batch, type_approval_batch"):
        parse_scheme("lottery")


@pytest.mark.parametrize(
    ("text", "production", "evidence"),
    [
        (
            "2+3",
            RpcModule.DECLARATION_OF_CONFORMITY_TO_TYPE,
            DocumentKind.DECLARATION_OF_CONFORMITY_TO_TYPE,
        ),
        ("模式二+模式四", RpcModule.PRODUCTION_QUALITY_ASSURANCE, DocumentKind.QMS_CERTIFICATE),
        ("II + V", RpcModule.PRODUCT_QUALITY_ASSURANCE, DocumentKind.QMS_CERTIFICATE),
        ("模式二＋模式七", RpcModule.FACTORY_INSPECTION, DocumentKind.FACTORY_INSPECTION_REPORT),
    ],
)
def test_rpc_module_combinations_and_their_evidence(
    text: str, production: RpcModule, evidence: DocumentKind
) -> None:
    modules = parse_rpc_modules(text)
    assert modules.design is RpcModule.TYPE_TEST
    assert modules.production is production
    assert modules.evidence is evidence
    assert modules.label == f"2+{production.value}"


@pytest.mark.parametrize("text", ["2+6", "3+2", "1+3", "2", "2+3+4", "模式九+模式二", "x+y"])
def test_rpc_combinations_bsmi_does_not_use_are_refused(text: str) -> None:
    with pytest.raises(UnknownRpcModules):
        parse_rpc_modules(text)
