"""Fuzzy pass: rank the firm's items in the line's HS6 block and judge the ranking.

A candidate is "the same goods" when its model agrees (after normalisation) and its content
score clears the auto threshold; it is auto-matched only if it is also eligible (valid, unit
convertible, CCC agreeing, balance sufficient) and no other eligible item is as plausible,
unless the cited certificate number, close to one of them, breaks the tie.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from tax_exemption.domain.matching.index import IndexedItem
from tax_exemption.domain.matching.ledger import RunningLedger
from tax_exemption.domain.matching.outcomes import Blocker, Candidate, Rule
from tax_exemption.domain.matching.quantities import quantity_in
from tax_exemption.domain.matching.records import DeclarationLine
from tax_exemption.domain.matching.rules import MatchConfig
from tax_exemption.domain.matching.scoring import LineText, score

__all__ = ["Scored", "Verdict", "blockers", "is_same_goods", "judge", "rank"]

_ITEM_KEY = attrgetter("indexed.key")
_TOTAL = attrgetter("candidate.scores.total")


class Scored(NamedTuple):
    """A ranked candidate with the item behind it and the line's quantity in its unit."""

    candidate: Candidate
    indexed: IndexedItem
    quantity: Decimal | None

    @property
    def total(self) -> float:
        return self.candidate.scores.total


class Verdict(NamedTuple):
    """What the ranking supports: ``pick`` to auto-match, or the blocked same goods."""

    rule: Rule
    shown: tuple[Scored, ...]
    pick: Scored | None = None
    blocked: Scored | None = None


def blockers(
    line: DeclarationLine,
    indexed: IndexedItem,
    quantity: Decimal | None,
    ledger: RunningLedger,
) -> tuple[Blocker, ...]:
    """Everything that keeps ``indexed`` from taking the line, whatever the text says."""
    found: list[Blocker] = []
    if not line.ccc_code.startswith(indexed.ccc_prefix):
        found.append(Blocker.CCC_MISMATCH)
    day = line.declaration_date
    if day > indexed.valid_until:
        found.append(Blocker.EXPIRED)
    elif day < indexed.valid_from:
        found.append(Blocker.NOT_YET_VALID)
    if quantity is None:
        found.append(Blocker.UNIT_INCOMPATIBLE)
    elif quantity > ledger.available(indexed):
        found.append(Blocker.OVER_BALANCE)
    return tuple(found)


def rank(
    line: DeclarationLine,
    text: LineText,
    block: Iterable[IndexedItem],
    ledger: RunningLedger,
    config: MatchConfig,
    *,
    ranked_already: Iterable[Scored] = (),
) -> list[Scored]:
    """The block's items scoring at least the review floor, with the line's candidates ranked
    already (from a narrower search), best first; ties by item key, so the order is
    deterministic. Items below the floor are never shown nor picked, so their blockers are
    not worked out."""
    ranked = list(ranked_already)
    floor = config.review_floor
    # tuple.__new__ builds the named tuples in C, every field given in order: a batch makes
    # two per candidate.
    new = tuple.__new__
    available = ledger.available
    day = line.declaration_date
    ccc_code = line.ccc_code
    # A block's items mostly share a unit: the line's quantity is converted once per unit.
    quantities: dict[str | None, Decimal | None] = {}
    for indexed in block:
        scores = score(text, indexed, config)
        if scores.total < floor:
            continue
        unit_code = indexed.unit_code
        if unit_code in quantities:
            quantity = quantities[unit_code]
        else:
            quantity = quantities[unit_code] = quantity_in(line, unit_code)
        # Most candidates are blocked by nothing: that is checked inline, and ``blockers``
        # (which finds () in exactly this case) runs only for the others, to name them.
        if (
            quantity is not None
            and ccc_code.startswith(indexed.ccc_prefix)
            and indexed.valid_from <= day <= indexed.valid_until
            and quantity <= available(indexed)
        ):
            blocked: tuple[Blocker, ...] = ()
        else:
            blocked = blockers(line, indexed, quantity, ledger)
        ranked.append(
            new(Scored, (new(Candidate, (indexed.key, scores, blocked)), indexed, quantity))
        )
    # Key order first, then by total, best first: the sort is stable, so equal totals stay in
    # key order (two sorts with C-level keys, no Python call per candidate). Most rankings
    # hold one candidate or none, already in order.
    if len(ranked) > 1:
        ranked.sort(key=_ITEM_KEY)
        ranked.sort(key=_TOTAL, reverse=True)
    return ranked


def is_same_goods(scored: Scored, config: MatchConfig) -> bool:
    """Model agrees and the content is as close as an automatic match demands."""
    scores = scored.candidate.scores
    spec_ok = not scores.spec_compared or scores.spec >= config.auto_spec_min
    return (
        scores.model_agrees
        and spec_ok
        and scores.total >= config.auto_threshold
        and scores.description >= config.auto_description_min
    )


def _cited_number_winner(group: Sequence[Scored], config: MatchConfig) -> Scored | None:
    """The one candidate whose certificate number is close to the cited one, if just one is."""
    by_cite = sorted(group, key=lambda s: -(s.candidate.scores.cited_number or 0.0))
    best = by_cite[0].candidate.scores.cited_number or 0.0
    runner_up = by_cite[1].candidate.scores.cited_number or 0.0
    if best >= config.cert_tiebreak_min and best - runner_up >= config.cert_tiebreak_margin:
        return by_cite[0]
    return None


def judge(ranked: Sequence[Scored], config: MatchConfig) -> Verdict:
    """Auto-match the unambiguous same goods; otherwise say why an officer must look."""
    floor = config.review_floor
    # List comprehensions and plain field reads: judge runs once or twice per residue line.
    shown = tuple([s for s in ranked if s.candidate.scores.total >= floor])
    if not shown:
        return Verdict(Rule.REFUSE_NO_CANDIDATE, shown)
    same_goods = [s for s in shown if is_same_goods(s, config)]
    eligible = [s for s in same_goods if not s.candidate.blockers]
    if eligible:
        return _judge_eligible(eligible, shown, config)
    if same_goods:
        return Verdict(Rule.REFUSE_CANDIDATE_BLOCKED, shown, blocked=same_goods[0])
    threshold = config.auto_threshold
    if any(s.candidate.scores.total >= threshold for s in shown):
        return Verdict(Rule.REVIEW_MODEL_DIFFERS, shown)
    return Verdict(Rule.REVIEW_WEAK_MATCH, shown)


def _judge_eligible(
    eligible: Sequence[Scored], shown: tuple[Scored, ...], config: MatchConfig
) -> Verdict:
    """The best eligible same goods wins unless another one (same model, say) is as close."""
    best = eligible[0]
    floor = best.candidate.scores.total - config.auto_margin
    rivals = [s for s in eligible[1:] if s.candidate.scores.total >= floor]
    if not rivals:
        return Verdict(Rule.FUZZY_UNIQUE, shown, pick=best)
    winner = _cited_number_winner([best, *rivals], config)
    if winner is not None and any(winner is s for s in eligible):
        return Verdict(Rule.FUZZY_CITED_NUMBER_TIEBREAK, shown, pick=winner)
    return Verdict(Rule.REVIEW_AMBIGUOUS, shown)
