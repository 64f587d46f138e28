"""Fuzzy pass: blocking, ranking, ambiguity to review, tie-break by the cited number."""

from datetime import date
from decimal import Decimal

from tax_exemption.domain.matching import Blocker, Outcome, RefusalReason, Rule, match_batch
from tests.tax_exemption.builders import ITEM, item, key, ledger, line

UNCITED = {"cited_certificate_no": None, "cited_item_no": None}


def test_uncited_line_is_auto_matched_to_the_unique_same_goods() -> None:
    sibling = item(item_no=2, model="VF-3SS", spec="X軸行程 1020MM 主軸轉速 12000RPM")
    noisy = line(
        description="立式綜合加工机 VERTICAL MACHINNG CENTER", goods_model="vf/2ss", **UNCITED
    )
    result = match_batch([noisy], [ITEM, sibling], ledger(ITEM, sibling))
    (decision,) = result.decisions
    assert decision.outcome is Outcome.AUTO_MATCHED
    assert decision.item == key(ITEM)
    assert decision.explanation.rule is Rule.FUZZY_UNIQUE
    assert "description" in decision.explanation.detail
    assert result.balances[key(ITEM)] == Decimal(8)


def test_same_goods_on_two_certificates_goes_to_review_ranked() -> None:
    twin = item(certificate_no="113B009999")
    (decision,) = match_batch([line(**UNCITED)], [ITEM, twin], ledger(ITEM, twin)).decisions
    assert decision.outcome is Outcome.NEEDS_REVIEW
    assert decision.explanation.rule is Rule.REVIEW_AMBIGUOUS
    assert {c.item for c in decision.candidates} == {key(ITEM), key(twin)}
    totals = [c.scores.total for c in decision.candidates]
    assert totals == sorted(totals, reverse=True)


def test_a_mistyped_cited_number_breaks_the_tie() -> None:
    twin = item(certificate_no="113B009999")
    typo = line(cited_certificate_no="113A004251")  # transposed digits, no such certificate
    (decision,) = match_batch([typo], [ITEM, twin], ledger(ITEM, twin)).decisions
    assert decision.outcome is Outcome.AUTO_MATCHED
    assert decision.item == key(ITEM)
    assert decision.explanation.rule is Rule.FUZZY_CITED_NUMBER_TIEBREAK


def test_a_different_model_is_reviewed_with_the_candidate_never_auto() -> None:
    (decision,) = match_batch(
        [line(goods_model="VF-2SSYT", **UNCITED)], [ITEM], ledger(ITEM)
    ).decisions
    assert decision.outcome is Outcome.NEEDS_REVIEW
    assert decision.candidates[0].item == key(ITEM)
    assert not decision.candidates[0].scores.model_agrees


def test_blocking_keeps_other_firms_and_other_subheadings_out() -> None:
    other_firm = item(certificate_no="113C000001", business_id="10458575")
    other_heading = item(certificate_no="113C000002", ccc_code="84581100001")
    result = match_batch(
        [line(**UNCITED)], [other_firm, other_heading], ledger(other_firm, other_heading)
    )
    (decision,) = result.decisions
    assert (decision.outcome, decision.reason) == (Outcome.REFUSED, RefusalReason.NOT_COVERED)
    assert decision.candidates == ()


def test_expired_same_goods_is_refused_but_a_renewed_certificate_takes_the_line() -> None:
    old = item(
        certificate_no="112A000001", valid_from=date(2023, 1, 1), valid_until=date(2023, 12, 31)
    )
    (refused,) = match_batch([line(**UNCITED)], [old], ledger(old)).decisions
    assert (refused.outcome, refused.reason) == (Outcome.REFUSED, RefusalReason.EXPIRED)
    assert refused.candidates[0].blockers == (Blocker.EXPIRED,)
    (renewed,) = match_batch([line(**UNCITED)], [old, ITEM], ledger(old, ITEM)).decisions
    assert (renewed.outcome, renewed.item) == (Outcome.AUTO_MATCHED, key(ITEM))


def test_cited_item_over_balance_with_an_alternative_goes_to_review() -> None:
    low = item(balance=Decimal(1))
    other = item(certificate_no="113B009999")
    (decision,) = match_batch([line()], [low, other], ledger(low, other)).decisions
    assert decision.outcome is Outcome.NEEDS_REVIEW
    assert decision.explanation.rule is Rule.REVIEW_CITED_ITEM_BLOCKED
    assert [c.item for c in decision.candidates] == [key(other)]


def test_material_grades_are_told_apart_by_spec_figures() -> None:
    resin_12 = item(model="", description="環氧樹脂 EPOXY RESIN", spec="黏度 12CP", unit="KGM")
    resin_25 = item(
        item_no=2, model="", description="環氧樹脂 EPOXY RESIN", spec="黏度 25CP", unit="KGM"
    )
    declared = line(
        goods_model="",
        description="環氧樹脂 EPOXY  RESIN",
        goods_spec="黏度 25 CP",
        doc_unit="KGS",
        stat_unit="KGM",
        **UNCITED,
    )
    result = match_batch([declared], [resin_12, resin_25], ledger(resin_12, resin_25))
    (decision,) = result.decisions
    assert (decision.outcome, decision.item) == (Outcome.AUTO_MATCHED, key(resin_25))


def test_a_material_line_without_spec_trusts_the_cite_only_without_a_sibling_grade() -> None:
    resin_12 = item(model="", description="環氧樹脂 EPOXY RESIN", spec="黏度 12CP", unit="KGM")
    resin_25 = item(
        item_no=2, model="", description="環氧樹脂 EPOXY RESIN", spec="黏度 25CP", unit="KGM"
    )
    bare = line(
        goods_model="", description="EPOXY RESIN", goods_spec="", doc_unit="KGM", stat_unit="KGM"
    )
    (alone,) = match_batch([bare], [resin_12], ledger(resin_12)).decisions
    assert (alone.outcome, alone.item) == (Outcome.AUTO_MATCHED, key(resin_12))
    (among,) = match_batch([bare], [resin_12, resin_25], ledger(resin_12, resin_25)).decisions
    assert among.outcome is Outcome.NEEDS_REVIEW
    assert {c.item for c in among.candidates} == {key(resin_12), key(resin_25)}
