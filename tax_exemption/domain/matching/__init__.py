"""Declaration matching (資料比對): certificate items against customs declaration lines."""

from tax_exemption.domain.matching.engine import match_batch
from tax_exemption.domain.matching.ledger import LedgerView
from tax_exemption.domain.matching.outcomes import (
    BatchResult,
    Blocker,
    Candidate,
    Check,
    Decision,
    Drawdown,
    Explanation,
    FieldScores,
    Outcome,
    RefusalReason,
    Rule,
)
from tax_exemption.domain.matching.records import CertificateItem, DeclarationLine, ItemKey, LineKey
from tax_exemption.domain.matching.rules import DEFAULT_CONFIG, MatchConfig

__all__ = [
    "DEFAULT_CONFIG",
    "BatchResult",
    "Blocker",
    "Candidate",
    "CertificateItem",
    "Check",
    "Decision",
    "DeclarationLine",
    "Drawdown",
    "Explanation",
    "FieldScores",
    "ItemKey",
    "LedgerView",
    "LineKey",
    "MatchConfig",
    "Outcome",
    "RefusalReason",
    "Rule",
    "match_batch",
]
