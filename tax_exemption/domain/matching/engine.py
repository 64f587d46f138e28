"""``match_batch``: every line of a batch settled against the certificate items, explained.

The exact pass runs over the whole batch at once (a hash join on the cited item; an item the
batch over-subscribes serves its cleanly cited lines in declaration order); the lines it
cannot settle then go one by one, in declaration order (date, DECLNO, ITEMNO), through the
per-line exact rules (for the reason) and the fuzzy pass inside their (firm, HS6) block. So
correctly cited lines draw first, and the rest, first come first served, from what remains,
whatever order the caller passes lines in. Pure: the drawdowns are returned, not written.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import compress, count, repeat
from operator import attrgetter, is_
from typing import cast

from tax_exemption.domain.matching.exact import ALL_CHECKS, IDENTITY_CHECKS, CitedCheck, check_cited
from tax_exemption.domain.matching.exact_set import EXACT, exact_pass
from tax_exemption.domain.matching.fuzzy import Scored, Verdict, is_same_goods, judge, rank
from tax_exemption.domain.matching.index import ItemIndex, other_models, same_model
from tax_exemption.domain.matching.ledger import LedgerView, RunningLedger
from tax_exemption.domain.matching.outcomes import (
    BatchResult,
    Blocker,
    Candidate,
    Check,
    Decision,
    Explanation,
    Outcome,
    RefusalReason,
    Rule,
)
from tax_exemption.domain.matching.records import (
    CertificateItem,
    DeclarationLine,
    ItemKey,
    line_keys,
)
from tax_exemption.domain.matching.rules import DEFAULT_CONFIG, MatchConfig
from tax_exemption.domain.matching.scoring import LineText

__all__ = ["match_batch"]

_CHRONOLOGICAL = attrgetter("declaration_date", "declaration_no", "item_no")
_BLOCKER_REASONS = {
    Blocker.EXPIRED: RefusalReason.EXPIRED,
    Blocker.NOT_YET_VALID: RefusalReason.NOT_YET_VALID,
    Blocker.OVER_BALANCE: RefusalReason.OVER_BALANCE,
    Blocker.CCC_MISMATCH: RefusalReason.NOT_COVERED,
}
# What ``judge`` says of an empty ranking.
_NO_CANDIDATE = Verdict(Rule.REFUSE_NO_CANDIDATE, ())


def match_batch(
    lines: Iterable[DeclarationLine],
    items: Iterable[CertificateItem],
    ledger_view: LedgerView,
    config: MatchConfig = DEFAULT_CONFIG,
) -> BatchResult:
    """Settle every line: auto-matched with a drawdown, sent to review, or refused."""
    collecting = gc.isenabled()
    # A batch allocates a few objects per line, all alive until it returns and none in a
    # cycle: the cyclic collector would only rescan that growing heap again and again (about
    # half the run time on 100,000 lines). Reference counting still frees what dies early.
    gc.disable()
    try:
        # A list or tuple is read as given: a copy would touch every line object twice more
        # (a reference taken, then dropped), each a cache miss in a large batch.
        batch = lines if isinstance(lines, list | tuple) else list(lines)
        return _match(batch, items, ledger_view, config)
    finally:
        if collecting:
            gc.enable()


def _match(
    batch: Sequence[DeclarationLine],
    items: Iterable[CertificateItem],
    ledger_view: LedgerView,
    config: MatchConfig,
) -> BatchResult:
    keys = line_keys(batch)
    if len(set(keys)) != len(batch):
        raise ValueError("a batch holds each (DECLNO, ITEMNO) once")
    index = ItemIndex(items)
    ledger = RunningLedger(ledger_view)
    decisions = exact_pass(batch, keys, index, ledger)
    for position in _in_declaration_order(batch, decisions):
        decisions[position] = _settle(batch[position], index, ledger, config)
    return BatchResult(
        tuple(cast("list[Decision]", decisions)), tuple(ledger.drawdowns), ledger.balances
    )


def _in_declaration_order(
    batch: Sequence[DeclarationLine], decisions: list[Decision | None]
) -> list[int]:
    """The positions the exact pass left undecided, in declaration order.

    Both steps run in C: ``compress`` picks the positions, and the sort compares the
    (date, DECLNO, ITEMNO) keys themselves (unique in a batch), not pairs holding them."""
    rest = list(compress(count(), map(is_, decisions, repeat(None))))
    chronology = list(map(_CHRONOLOGICAL, map(batch.__getitem__, rest)))
    return list(map(rest.__getitem__, sorted(range(len(rest)), key=chronology.__getitem__)))


def _settle(
    line: DeclarationLine, index: ItemIndex, ledger: RunningLedger, config: MatchConfig
) -> Decision:
    cited = check_cited(line, index, ledger, config)
    if cited.failed is None and cited.item is not None and cited.quantity is not None:
        ledger.draw(cited.item, line.key, cited.quantity)
        explanation = (
            Explanation(Rule.EXACT_CITED_ITEM, cited.detail, ALL_CHECKS) if cited.detail else EXACT
        )
        return _decision(
            line, Outcome.AUTO_MATCHED, explanation, item=cited.item.key, quantity=cited.quantity
        )
    block = index.block(line.importer_ban, line.ccc_code)
    if not block:
        # Nothing of the firm's under this subheading (a fifth of the residue: lines truly
        # matching nothing, cites of another firm): no text to normalise, nothing to rank.
        if cited.failed not in IDENTITY_CHECKS:
            return _settle_blocked_cite(line, cited, [], config)
        return _settle_fuzzy(line, cited, _NO_CANDIDATE, ledger, config)
    text = LineText.of(line)
    # Only items of the same model (or without one) can be the same goods, so they alone
    # decide an automatic match or a re-routing; the whole block is ranked only for review,
    # the other models' items joining the candidates already ranked.
    same = rank(line, text, same_model(block, text.model_key), ledger, config)
    if cited.failed not in IDENTITY_CHECKS:
        return _settle_blocked_cite(line, cited, same, config)
    verdict = judge(same, config)
    if verdict.pick is None:
        others = other_models(block, text.model_key)
        # Without other models the widened ranking would be ``same`` again, judged the same.
        if others:
            ranked = rank(line, text, others, ledger, config, ranked_already=same)
            verdict = judge(ranked, config)
    return _settle_fuzzy(line, cited, verdict, ledger, config)


def _settle_blocked_cite(
    line: DeclarationLine, cited: CitedCheck, ranked: list[Scored], config: MatchConfig
) -> Decision:
    """The cite names the firm's own goods but validity or balance fails: never re-route it."""
    assert cited.item is not None and cited.failed is not None
    cited_key = cited.item.key
    alternatives = tuple(
        s
        for s in ranked
        if s.indexed.key != cited_key and s.candidate.eligible and is_same_goods(s, config)
    )
    if alternatives:
        explanation = Explanation(
            Rule.REVIEW_CITED_ITEM_BLOCKED,
            f"{cited.detail}; another item holds the same goods",
            _passed_before(cited.failed),
            cited.failed,
        )
        return _review(line, explanation, alternatives, config)
    if cited.failed is Check.BALANCE:
        reason = RefusalReason.OVER_BALANCE
    elif line.declaration_date > cited.item.item.valid_until:
        reason = RefusalReason.EXPIRED
    else:
        reason = RefusalReason.NOT_YET_VALID
    explanation = Explanation(
        Rule.REFUSE_CITED_ITEM, cited.detail, _passed_before(cited.failed), cited.failed
    )
    return _decision(line, Outcome.REFUSED, explanation, item=cited_key, reason=reason)


def _settle_fuzzy(
    line: DeclarationLine,
    cited: CitedCheck,
    verdict: Verdict,
    ledger: RunningLedger,
    config: MatchConfig,
) -> Decision:
    """The cite is missing or names other goods: the ranking decides."""
    failed = cited.failed
    cite_note = f"cited item failed {failed}: {cited.detail}" if failed else ""
    pick = verdict.pick
    if pick is not None and pick.quantity is not None:
        ledger.draw(pick.indexed, line.key, pick.quantity)
        scores = pick.candidate.scores
        detail = (
            f"{cite_note}; description {scores.description:.1f}, model {scores.model:.1f}, "
            f"spec {scores.spec:.1f}, total {scores.total:.1f}"
        )
        explanation = Explanation(verdict.rule, detail, (), failed)
        return _decision(
            line,
            Outcome.AUTO_MATCHED,
            explanation,
            item=pick.indexed.key,
            quantity=pick.quantity,
            candidates=_candidates(verdict.shown, config),
        )
    explanation = Explanation(verdict.rule, cite_note, (), failed)
    wrong_firm = failed is Check.BUSINESS_ID
    if verdict.blocked is not None:
        blocker = verdict.blocked.candidate.blockers[0]
        if blocker is not Blocker.UNIT_INCOMPATIBLE:
            return _refuse(line, explanation, _BLOCKER_REASONS[blocker], verdict.shown, config)
        explanation = Explanation(Rule.REVIEW_BLOCKED_CANDIDATE, cite_note, (), failed)
    elif verdict.rule is Rule.REFUSE_NO_CANDIDATE or (
        wrong_firm and verdict.rule is Rule.REVIEW_WEAK_MATCH
    ):
        reason = RefusalReason.WRONG_FIRM if wrong_firm else RefusalReason.NOT_COVERED
        return _refuse(line, explanation, reason, verdict.shown, config)
    return _review(line, explanation, verdict.shown, config)


def _decision(
    line: DeclarationLine,
    outcome: Outcome,
    explanation: Explanation,
    *,
    item: ItemKey | None = None,
    quantity: Decimal | None = None,
    reason: RefusalReason | None = None,
    candidates: tuple[Candidate, ...] = (),
) -> Decision:
    """``Decision(...)`` built by ``tuple.__new__`` in C, every field in order: the named
    tuple's own constructor runs Python code, and each residue line makes one."""
    return tuple.__new__(
        Decision, (line.key, outcome, explanation, item, quantity, reason, candidates)
    )


def _passed_before(failed: Check) -> tuple[Check, ...]:
    return ALL_CHECKS[: ALL_CHECKS.index(failed)]


def _candidates(shown: tuple[Scored, ...], config: MatchConfig) -> tuple[Candidate, ...]:
    return tuple([s.candidate for s in shown[: config.max_candidates]])


def _review(
    line: DeclarationLine,
    explanation: Explanation,
    shown: tuple[Scored, ...],
    config: MatchConfig,
) -> Decision:
    return _decision(line, Outcome.NEEDS_REVIEW, explanation, candidates=_candidates(shown, config))


def _refuse(
    line: DeclarationLine,
    explanation: Explanation,
    reason: RefusalReason,
    shown: tuple[Scored, ...],
    config: MatchConfig,
) -> Decision:
    return _decision(
        line, Outcome.REFUSED, explanation, reason=reason, candidates=_candidates(shown, config)
    )
