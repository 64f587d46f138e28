"""Scores of an engine run against the corpus truth: the issue's KPIs and where misses fall."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tax_exemption.domain.matching.outcomes import BatchResult, Outcome
from tax_exemption.evaluation.corpus import Corpus

__all__ = ["Evaluation", "evaluate"]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """``auto_match_rate`` is over truly matching lines; shares are over all lines."""

    lines: int
    truly_matching: int
    truly_unmatched: int
    auto_matched_correctly: int
    false_auto_matches: int
    review: int
    refused: int
    unmatched_refused_or_reviewed: int
    missed_by_kind: Counter[str]
    false_by_kind: Counter[str]

    @property
    def auto_match_rate(self) -> float:
        return self.auto_matched_correctly / self.truly_matching if self.truly_matching else 1.0

    @property
    def review_share(self) -> float:
        return self.review / self.lines if self.lines else 0.0

    @property
    def unmatched_safe_rate(self) -> float:
        if not self.truly_unmatched:
            return 1.0
        return self.unmatched_refused_or_reviewed / self.truly_unmatched


def evaluate(corpus: Corpus, result: BatchResult) -> Evaluation:
    """Compare every decision with the truth of its line."""
    correct = false = review = refused = safe = 0
    missed: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for decision in result.decisions:
        truth = corpus.truth[decision.line]
        kind = corpus.kinds[decision.line]
        if decision.outcome is Outcome.NEEDS_REVIEW:
            review += 1
        elif decision.outcome is Outcome.REFUSED:
            refused += 1
        if decision.outcome is Outcome.AUTO_MATCHED:
            if decision.item == truth:
                correct += 1
            else:
                false += 1
                wrong[kind] += 1
        elif truth is None:
            safe += 1
        if truth is not None and (
            decision.outcome is not Outcome.AUTO_MATCHED or decision.item != truth
        ):
            missed[kind] += 1
    matching = sum(1 for truth in corpus.truth.values() if truth is not None)
    return Evaluation(
        lines=len(result.decisions),
        truly_matching=matching,
        truly_unmatched=len(corpus.truth) - matching,
        auto_matched_correctly=correct,
        false_auto_matches=false,
        review=review,
        refused=refused,
        unmatched_refused_or_reviewed=safe,
        missed_by_kind=missed,
        false_by_kind=wrong,
    )
