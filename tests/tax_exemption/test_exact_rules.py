"""Exact pass: each rule on the cited item, each refusal reason, and the ledger it draws."""

from datetime import date
from decimal import Decimal

from tax_exemption.domain.matching import (
    CertificateItem,
    Check,
    DeclarationLine,
    MatchConfig,
    Outcome,
    RefusalReason,
    Rule,
    match_batch,
)
from tests.tax_exemption.builders import ITEM, OTHER_FIRM, item, key, ledger, line


def test_clean_cite_matches_and_draws_down() -> None:
    result = match_batch([line()], [ITEM], ledger(ITEM))
    (decision,) = result.decisions
    assert decision.outcome is Outcome.AUTO_MATCHED
    assert decision.item == key(ITEM)
    assert decision.quantity == Decimal(2)
    assert decision.explanation.rule is Rule.EXACT_CITED_ITEM
    assert decision.explanation.passed == tuple(Check)
    assert [(d.item, d.quantity) for d in result.drawdowns] == [(key(ITEM), Decimal(2))]
    assert result.balances == {key(ITEM): Decimal(8)}


def test_formatting_noise_still_matches_exactly() -> None:
    noisy = line(
        cited_certificate_no="113-a-004521",
        goods_model="vf 2ss",
        doc_unit="SETS",
        ccc_code="84571010999",  # digits 9-11 differ: the 8-digit rule ignores them
    )
    (decision,) = match_batch([noisy], [ITEM], ledger(ITEM)).decisions
    assert decision.outcome is Outcome.AUTO_MATCHED
    assert decision.explanation.rule is Rule.EXACT_CITED_ITEM


def test_ten_digit_rule_refuses_a_code_differing_at_digits_9_10() -> None:
    strict = item(ten_digit_rule=True)
    assert (
        match_batch([line(ccc_code="84571010993")], [strict], ledger(strict)).decisions[0].outcome
        is not Outcome.AUTO_MATCHED
    )
    (decision,) = match_batch([line(ccc_code="84571010007")], [strict], ledger(strict)).decisions
    assert decision.outcome is Outcome.AUTO_MATCHED  # only the 11th digit differs


def test_ccc_differing_within_8_digits_is_not_covered() -> None:
    result = match_batch([line(ccc_code="84571020003")], [ITEM], ledger(ITEM))
    (decision,) = result.decisions
    assert decision.outcome is Outcome.REFUSED
    assert decision.reason is RefusalReason.NOT_COVERED
    assert decision.explanation.failed is Check.CCC_CODE
    assert result.drawdowns == ()


def test_units_convert_including_through_the_statistical_unit() -> None:
    steel = item(
        unit="KGM",
        model="",
        description="不銹鋼冷軋鋼片 STAINLESS STEEL SHEET",
        spec="厚度 0.5MM",
        balance=Decimal(5000),
    )
    tonnes = line(
        goods_model="",
        description=steel.description,
        goods_spec=steel.spec,
        quantity=Decimal("1.2"),
        doc_unit="TNE",
        stat_quantity=Decimal(1200),
        stat_unit="KGM",
    )
    rolls = line(
        item_no=2,
        goods_model="",
        description=steel.description,
        goods_spec=steel.spec,
        quantity=Decimal(3),
        doc_unit="PCE",
        stat_quantity=Decimal(800),
        stat_unit="KGM",
    )
    result = match_batch([tonnes, rolls], [steel], ledger(steel))
    assert [d.outcome for d in result.decisions] == [Outcome.AUTO_MATCHED] * 2
    assert [d.quantity for d in result.decisions] == [Decimal(1200), Decimal(800)]
    assert result.balances[key(steel)] == Decimal(3000)


def test_a_cited_machine_of_the_same_model_counts_pieces_one_for_one_as_sets() -> None:
    result = match_batch([line(doc_unit="PCE", stat_unit="PCE")], [ITEM], ledger(ITEM))
    (decision,) = result.decisions
    assert decision.outcome is Outcome.AUTO_MATCHED
    assert decision.quantity == Decimal(2)
    assert "PCE taken one for one as SET" in decision.explanation.detail
    assert result.balances == {key(ITEM): Decimal(8)}


def test_incompatible_unit_without_the_model_as_proof_goes_to_review_not_auto() -> None:
    lines = [
        line(doc_unit="PCE", stat_unit="PCE", goods_model="VF-3SS"),
        line(item_no=2, doc_unit="KGM", stat_unit="KGM"),
    ]
    result = match_batch(lines, [ITEM], ledger(ITEM))
    assert [d.outcome for d in result.decisions] == [Outcome.NEEDS_REVIEW] * 2
    assert result.decisions[1].explanation.failed is Check.UNIT
    assert result.decisions[1].candidates[0].item == key(ITEM)
    assert result.drawdowns == ()


def test_one_for_one_counting_can_be_switched_off() -> None:
    strict = MatchConfig(whole_goods_one_for_one=False)
    (decision,) = match_batch(
        [line(doc_unit="PCE", stat_unit="PCE")], [ITEM], ledger(ITEM), strict
    ).decisions
    assert decision.outcome is Outcome.NEEDS_REVIEW
    assert decision.explanation.failed is Check.UNIT


def test_expired_certificate_is_refused() -> None:
    result = match_batch([line(declaration_date=date(2025, 1, 2))], [ITEM], ledger(ITEM))
    (decision,) = result.decisions
    assert (decision.outcome, decision.reason) == (Outcome.REFUSED, RefusalReason.EXPIRED)
    assert decision.explanation.failed is Check.VALIDITY
    assert result.drawdowns == ()


def test_not_yet_valid_certificate_is_refused() -> None:
    (decision,) = match_batch(
        [line(declaration_date=date(2023, 12, 31))], [ITEM], ledger(ITEM)
    ).decisions
    assert (decision.outcome, decision.reason) == (Outcome.REFUSED, RefusalReason.NOT_YET_VALID)


def test_another_firms_certificate_is_refused() -> None:
    (decision,) = match_batch([line(importer_ban=OTHER_FIRM)], [ITEM], ledger(ITEM)).decisions
    assert (decision.outcome, decision.reason) == (Outcome.REFUSED, RefusalReason.WRONG_FIRM)
    assert decision.explanation.failed is Check.BUSINESS_ID


def test_over_balance_is_refused_and_the_ledger_view_is_authoritative() -> None:
    view = {key(ITEM): Decimal(1)}  # the persisted ledger says 1 left, the snapshot says 10
    result = match_batch([line()], [ITEM], view)
    (decision,) = result.decisions
    assert (decision.outcome, decision.reason) == (Outcome.REFUSED, RefusalReason.OVER_BALANCE)
    assert decision.explanation.failed is Check.BALANCE
    assert result.drawdowns == ()
    assert result.balances == {}


def test_contested_balance_is_drawn_in_declaration_order() -> None:
    small = item(balance=Decimal(5))
    late = line(declaration_no="AW13000009", quantity=Decimal(4), declaration_date=date(2024, 7, 1))
    early = line(
        declaration_no="AW13000002", quantity=Decimal(3), declaration_date=date(2024, 6, 1)
    )
    result = match_batch([late, early], [small], ledger(small))
    late_decision, early_decision = result.decisions  # aligned with the lines as given
    assert early_decision.outcome is Outcome.AUTO_MATCHED
    assert (late_decision.outcome, late_decision.reason) == (
        Outcome.REFUSED,
        RefusalReason.OVER_BALANCE,
    )
    assert result.balances[key(small)] == Decimal(2)
    assert sum(d.quantity for d in result.drawdowns) == Decimal(3)


def test_uncited_goods_without_any_candidate_are_not_covered() -> None:
    robot = line(ccc_code="84795000001", cited_certificate_no=None, cited_item_no=None)
    (decision,) = match_batch([robot], [ITEM], ledger(ITEM)).decisions
    assert (decision.outcome, decision.reason) == (Outcome.REFUSED, RefusalReason.NOT_COVERED)
    assert decision.explanation.rule is Rule.REFUSE_NO_CANDIDATE
    assert decision.candidates == ()


def test_cited_model_mismatch_is_never_auto_matched() -> None:
    (decision,) = match_batch([line(goods_model="VF-3SS")], [ITEM], ledger(ITEM)).decisions
    assert decision.outcome is not Outcome.AUTO_MATCHED
    assert decision.explanation.failed is Check.CONTENT


def _resin(
    item_no: int, spec: str, ccc: str, certificate_no: str = "113A004521"
) -> CertificateItem:
    return item(
        certificate_no=certificate_no,
        item_no=item_no,
        model="",
        description="環氧樹脂 EPOXY RESIN",
        spec=spec,
        unit="KGM",
        ccc_code=ccc,
    )


def _bare_resin(cited_item_no: int, ccc: str) -> DeclarationLine:
    return line(
        goods_model="",
        description="EPOXY  RESIN",
        goods_spec="",
        doc_unit="KGM",
        stat_unit="KGM",
        ccc_code=ccc,
        cited_item_no=cited_item_no,
    )


def test_a_cite_without_spec_decides_when_other_grades_are_on_other_certificates() -> None:
    cited = _resin(1, "黏度 12CP", "39073000111")
    elsewhere = _resin(1, "黏度 25CP", "39073000111", certificate_no="112B000001")
    result = match_batch(
        [_bare_resin(1, "39073000111")], [cited, elsewhere], ledger(cited, elsewhere)
    )
    (decision,) = result.decisions
    assert (decision.outcome, decision.item) == (Outcome.AUTO_MATCHED, key(cited))
    assert decision.explanation.rule is Rule.EXACT_CITED_ITEM


def test_grades_on_one_certificate_need_the_statistical_code_to_tell_them_apart() -> None:
    grade_12 = _resin(1, "黏度 12CP", "39073000111")
    grade_25 = _resin(2, "黏度 25CP", "39073000229")
    both = [grade_12, grade_25]
    (told,) = match_batch([_bare_resin(2, "39073000221")], both, ledger(*both)).decisions
    assert (told.outcome, told.item) == (Outcome.AUTO_MATCHED, key(grade_25))
    # The declared code is grade 12's: the item number may have slipped, an officer decides.
    result = match_batch([_bare_resin(2, "39073000119")], both, ledger(*both))
    assert result.decisions[0].outcome is Outcome.NEEDS_REVIEW
    assert result.drawdowns == ()
    shared = [grade_12, _resin(2, "黏度 25CP", "39073000111")]
    (same_code,) = match_batch([_bare_resin(2, "39073000111")], shared, ledger(*shared)).decisions
    assert same_code.outcome is Outcome.NEEDS_REVIEW


def test_quantities_keep_their_digits_in_the_items_unit_and_convert_exactly() -> None:
    pieces = item(unit="PCE")
    same_unit = line(quantity=Decimal("2.50"), doc_unit="PCE")
    dozens = line(item_no=2, quantity=Decimal("0.50"), doc_unit="DZN")
    result = match_batch([same_unit, dozens], [pieces], ledger(pieces))
    assert [str(d.quantity) for d in result.decisions] == ["2.50", "6.00"]
    assert [str(d.quantity) for d in result.drawdowns] == ["2.50", "6.00"]
    assert str(result.balances[key(pieces)]) == "1.50"
