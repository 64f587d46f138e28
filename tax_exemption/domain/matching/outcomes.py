"""The engine's outputs: one explained decision per line, and the drawdowns to persist."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from tax_exemption.domain.matching.records import ItemKey, LineKey

__all__ = [
    "BatchResult",
    "Blocker",
    "Candidate",
    "Check",
    "Decision",
    "Drawdown",
    "Explanation",
    "FieldScores",
    "Outcome",
    "RefusalReason",
    "Rule",
]


class Outcome(StrEnum):
    AUTO_MATCHED = "auto_matched"  # 電腦比對成功
    NEEDS_REVIEW = "needs_review"  # 人工審核
    REFUSED = "refused"  # 比對不符


class RefusalReason(StrEnum):
    EXPIRED = "expired"  # 證明已逾有效期限
    NOT_YET_VALID = "not_yet_valid"  # 證明尚未生效
    WRONG_FIRM = "wrong_firm"  # 證明非屬進口人
    OVER_BALANCE = "over_balance"  # 超過核准餘額
    NOT_COVERED = "not_covered"  # 無相符之核准項目


class Rule(StrEnum):
    """Which rule settled the line: the first part of every explanation."""

    EXACT_CITED_ITEM = "exact.cited_item"
    FUZZY_UNIQUE = "fuzzy.unique_candidate"
    FUZZY_CITED_NUMBER_TIEBREAK = "fuzzy.cited_number_tiebreak"
    REVIEW_AMBIGUOUS = "review.ambiguous"
    REVIEW_WEAK_MATCH = "review.weak_match"
    REVIEW_MODEL_DIFFERS = "review.model_differs"
    REVIEW_BLOCKED_CANDIDATE = "review.blocked_candidate"
    REVIEW_CITED_ITEM_BLOCKED = "review.cited_item_blocked"
    REFUSE_CITED_ITEM = "refuse.cited_item"
    REFUSE_NO_CANDIDATE = "refuse.no_candidate"
    REFUSE_CANDIDATE_BLOCKED = "refuse.candidate_blocked"


class Check(StrEnum):
    """The checks of the exact pass, in the order they run."""

    CITED_ITEM = "cited_item"
    BUSINESS_ID = "business_id"
    CCC_CODE = "ccc_code"
    UNIT = "unit"
    CONTENT = "content"
    VALIDITY = "validity"
    BALANCE = "balance"


class Blocker(StrEnum):
    """Why a candidate item cannot take the line even if its goods agree."""

    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    OVER_BALANCE = "over_balance"
    CCC_MISMATCH = "ccc_mismatch"
    UNIT_INCOMPATIBLE = "unit_incompatible"


class FieldScores(NamedTuple):
    """Similarity of a line to an item, field by field (0-100), and their weighted total.

    Named tuples rather than frozen dataclasses for the records the fuzzy pass makes per
    candidate: several times cheaper to build, and just as immutable.
    """

    description: float
    model: float
    spec: float
    total: float
    model_agrees: bool
    spec_compared: bool = True
    cited_number: float | None = None


class Candidate(NamedTuple):
    """One item proposed for a line, with its scores and what (if anything) blocks it."""

    item: ItemKey
    scores: FieldScores
    blockers: tuple[Blocker, ...] = ()

    @property
    def eligible(self) -> bool:
        return not self.blockers


class Explanation(NamedTuple):
    """Why the decision is what it is: the rule, the checks passed or the one that failed."""

    rule: Rule
    detail: str = ""
    passed: tuple[Check, ...] = ()
    failed: Check | None = None


class Decision(NamedTuple):
    """The engine's verdict on one line; ``quantity`` is in the item's unit when matched.

    A named tuple rather than a dataclass: a batch makes one per line, and the exact pass
    builds them in bulk at C speed.
    """

    line: LineKey
    outcome: Outcome
    explanation: Explanation
    item: ItemKey | None = None
    quantity: Decimal | None = None
    reason: RefusalReason | None = None
    candidates: tuple[Candidate, ...] = ()


class Drawdown(NamedTuple):
    """Quantity taken from an item's balance by an automatically matched line."""

    item: ItemKey
    line: LineKey
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Decisions aligned with the lines as given; drawdowns in the order they were taken."""

    decisions: tuple[Decision, ...]
    drawdowns: tuple[Drawdown, ...]
    balances: dict[ItemKey, Decimal] = field(default_factory=dict)

    def counts(self) -> Counter[Outcome]:
        return Counter(decision.outcome for decision in self.decisions)
