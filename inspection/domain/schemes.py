"""The five commodity inspection schemes (檢驗方式) as data: workflow, evidence, marks.

Sources: BSMI FAQ and 作業說明 pages on testing.bsmi.gov.tw (batch vs type-approval batch),
商品型式認可管理辦法 art. 14 (type-approved batches may pass on document review, batch or
lot checks, or sampling), 商品監視查驗辦法 (monitoring: only some batches are drawn for
sampling), 商品驗證登錄辦法 (RPC, see rpc_modules) and 商品檢驗標識使用辦法 art. 3 (marks).
The document lists are our reading of those pages for a reference implementation, not a
transcription of BSMI forms.

Each scheme's state machine is its transition table: (stage, action) -> next stage. Every scheme
shares the filing part (draft -> submitted -> accepted, return, withdraw); what follows
acceptance differs:
  batch (逐批檢驗)            accepted -> sampling -> testing -> passed | failed
  type approval + batch       as batch, or accepted -> passed | failed on document review;
                              needs a valid type-approval certificate when submitted
  monitoring (監視查驗)       as type approval + batch: batches not drawn pass on documents
  RPC (驗證登錄)              accepted -> passed | failed on review, or -> testing when BSMI asks
                              for samples; never sampling at the border
  DoC (符合性聲明)            accepted -> passed | failed: a document review, no sampling/testing
Only the three schemes that sample and test offer the free re-inspection (複驗, 商品檢驗法);
for RPC and DoC a refusal is an administrative decision, appealed rather than re-tested.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from inspection.domain.documents import DocumentKind
from inspection.domain.identifiers import CertificateKind, MarkSeries
from inspection.domain.stages import ActionKind, Stage

__all__ = ["SCHEMES", "Scheme", "SchemeSpec", "Transitions", "UnknownScheme", "parse_scheme"]

Transitions = Mapping[tuple[Stage, ActionKind], Stage]


class Scheme(StrEnum):
    """An inspection scheme (檢驗方式)."""

    BATCH = "batch"  # 逐批檢驗
    TYPE_APPROVAL_BATCH = "type_approval_batch"  # 型式認可逐批檢驗
    MONITORING = "monitoring"  # 監視查驗
    RPC = "rpc"  # 驗證登錄
    DOC = "doc"  # 符合性聲明


class UnknownScheme(ValueError):
    """The text names no scheme."""


@dataclass(frozen=True, slots=True)
class SchemeSpec:
    """Everything the workflow needs to know about one scheme."""

    scheme: Scheme
    name_zh: str
    name_en: str
    transitions: Transitions
    required_documents: frozenset[DocumentKind]
    certificate: CertificateKind
    mark_series: frozenset[MarkSeries]
    requires_type_approval: bool = False
    requires_rpc_modules: bool = False
    requires_mark: bool = False  # RPC and DoC designate the holder's R or D code on registering
    allows_reinspection: bool = False

    @property
    def stages(self) -> frozenset[Stage]:
        """The stages this scheme actually uses."""
        return frozenset(s for pair in self.transitions.items() for s in (pair[0][0], pair[1]))


def _table(*rows: tuple[Stage, ActionKind, Stage]) -> Transitions:
    return MappingProxyType({(source, action): target for source, action, target in rows})


_FILING = (
    (Stage.DRAFT, ActionKind.SUBMIT, Stage.SUBMITTED),
    (Stage.DRAFT, ActionKind.WITHDRAW, Stage.WITHDRAWN),
    (Stage.SUBMITTED, ActionKind.WITHDRAW, Stage.WITHDRAWN),
    (Stage.SUBMITTED, ActionKind.RETURN, Stage.DRAFT),
    (Stage.SUBMITTED, ActionKind.ACCEPT, Stage.ACCEPTED),
)
_SAMPLE_AND_TEST = (
    (Stage.ACCEPTED, ActionKind.START_SAMPLING, Stage.SAMPLING),
    (Stage.SAMPLING, ActionKind.START_TESTING, Stage.TESTING),
    (Stage.TESTING, ActionKind.CONFORMING, Stage.PASSED),
    (Stage.TESTING, ActionKind.NONCONFORMING, Stage.FAILED),
    # The one free re-inspection goes back to the officer, who samples and tests again.
    (Stage.FAILED, ActionKind.REQUEST_REINSPECTION, Stage.ACCEPTED),
)
_DECIDE_ON_DOCUMENTS = (
    (Stage.ACCEPTED, ActionKind.CONFORMING, Stage.PASSED),
    (Stage.ACCEPTED, ActionKind.NONCONFORMING, Stage.FAILED),
)
_TEST_ON_REQUEST = (
    (Stage.ACCEPTED, ActionKind.START_TESTING, Stage.TESTING),
    (Stage.TESTING, ActionKind.CONFORMING, Stage.PASSED),
    (Stage.TESTING, ActionKind.NONCONFORMING, Stage.FAILED),
)
_BATCH_PAPERS = frozenset(
    {
        DocumentKind.APPLICATION_FORM,
        DocumentKind.SHIPMENT_DOCUMENTS,
        DocumentKind.PRODUCT_CATALOGUE,
    }
)

SCHEMES: Mapping[Scheme, SchemeSpec] = MappingProxyType(
    {
        Scheme.BATCH: SchemeSpec(
            Scheme.BATCH,
            "逐批檢驗",
            "batch-by-batch inspection",
            _table(*_FILING, *_SAMPLE_AND_TEST),
            _BATCH_PAPERS,
            CertificateKind.INSPECTION,
            frozenset({MarkSeries.C, MarkSeries.Q, MarkSeries.M}),
            allows_reinspection=True,
        ),
        Scheme.TYPE_APPROVAL_BATCH: SchemeSpec(
            Scheme.TYPE_APPROVAL_BATCH,
            "型式認可逐批檢驗",
            "type approval + batch inspection",
            _table(*_FILING, *_SAMPLE_AND_TEST, *_DECIDE_ON_DOCUMENTS),
            frozenset(
                {
                    DocumentKind.APPLICATION_FORM,
                    DocumentKind.SHIPMENT_DOCUMENTS,
                    DocumentKind.TYPE_APPROVAL_CERTIFICATE,
                }
            ),
            CertificateKind.INSPECTION,
            frozenset({MarkSeries.T, MarkSeries.C}),
            requires_type_approval=True,
            allows_reinspection=True,
        ),
        Scheme.MONITORING: SchemeSpec(
            Scheme.MONITORING,
            "監視查驗",
            "monitoring inspection",
            _table(*_FILING, *_SAMPLE_AND_TEST, *_DECIDE_ON_DOCUMENTS),
            _BATCH_PAPERS,
            CertificateKind.INSPECTION,
            frozenset({MarkSeries.C, MarkSeries.Q, MarkSeries.M}),
            allows_reinspection=True,
        ),
        Scheme.RPC: SchemeSpec(
            Scheme.RPC,
            "驗證登錄",
            "registration of product certification",
            _table(*_FILING, *_DECIDE_ON_DOCUMENTS, *_TEST_ON_REQUEST),
            frozenset(
                {
                    DocumentKind.APPLICATION_FORM,
                    DocumentKind.TYPE_TEST_REPORT,
                    DocumentKind.TECHNICAL_FILE,
                }
            ),
            CertificateKind.RPC,
            frozenset({MarkSeries.R}),
            requires_rpc_modules=True,
            requires_mark=True,
        ),
        Scheme.DOC: SchemeSpec(
            Scheme.DOC,
            "符合性聲明",
            "declaration of conformity",
            _table(*_FILING, *_DECIDE_ON_DOCUMENTS),
            frozenset(
                {
                    DocumentKind.DECLARATION_OF_CONFORMITY,
                    DocumentKind.TYPE_TEST_REPORT,
                    DocumentKind.TECHNICAL_FILE,
                }
            ),
            CertificateKind.DOC,
            frozenset({MarkSeries.D}),
            requires_mark=True,
        ),
    }
)


def parse_scheme(text: str) -> Scheme:
    """A scheme from its identifier (``batch``) or its Chinese name (``逐批檢驗``)."""
    key = text.strip()
    for spec in SCHEMES.values():
        if key in (spec.scheme.value, spec.name_zh):
            return spec.scheme
    names = ", ".join(scheme.value for scheme in Scheme)
    raise UnknownScheme(f"unknown inspection scheme {text!r}; use one of {names}")
