"""The set-based exact pass's shortcuts: cites resolved per spelling and item number, and the
model and unit taken as written only when they normalise to a key."""

from decimal import Decimal

from tax_exemption.domain.matching import Check, Outcome, Rule, match_batch
from tests.tax_exemption.builders import ITEM, OTHER_FIRM, item, key, ledger, line


def test_each_spelling_and_item_number_of_a_cite_finds_its_own_item() -> None:
    second = item(item_no=2, model="VF-4SS")
    lines = [
        line(item_no=1),
        line(item_no=2, cited_certificate_no="113-a-004521"),
        line(item_no=3, cited_item_no=2, goods_model="VF-4SS"),
        line(item_no=4, cited_certificate_no="113-a-004521", cited_item_no=2, goods_model="vf4ss"),
    ]
    result = match_batch(lines, [ITEM, second], ledger(ITEM, second))
    assert [d.outcome for d in result.decisions] == [Outcome.AUTO_MATCHED] * 4
    assert [d.item for d in result.decisions] == [key(ITEM), key(ITEM), key(second), key(second)]
    assert {d.explanation.rule for d in result.decisions} == {Rule.EXACT_CITED_ITEM}
    assert result.balances == {key(ITEM): Decimal(6), key(second): Decimal(6)}


def test_a_cite_of_a_missing_item_number_on_a_known_certificate_is_no_cite() -> None:
    (decision,) = match_batch([line(cited_item_no=9)], [ITEM], ledger(ITEM)).decisions
    assert decision.explanation.rule is not Rule.EXACT_CITED_ITEM
    assert decision.explanation.failed is Check.CITED_ITEM


def test_a_unit_spelled_as_the_item_spells_it_still_needs_a_known_unit() -> None:
    boxes = item(unit="BOX")  # no customs code: nothing converts, not even BOX to BOX
    (decision,) = match_batch([line(doc_unit="BOX")], [boxes], ledger(boxes)).decisions
    assert decision.outcome is not Outcome.AUTO_MATCHED
    assert decision.explanation.failed is Check.UNIT


def test_an_item_without_a_model_is_matched_on_its_text_even_when_no_model_is_declared() -> None:
    resin = item(model="", description="EPOXY RESIN", spec="黏度 12CP", unit="KGM")
    material = {"goods_model": "", "description": "EPOXY RESIN", "doc_unit": "KGM"}
    same_grade = line(item_no=1, goods_spec="黏度 12CP", **material)
    other_grade = line(item_no=2, goods_spec="黏度 25CP", **material)
    result = match_batch([same_grade, other_grade], [resin], ledger(resin))
    first, second = result.decisions
    assert (first.outcome, first.explanation.rule) == (Outcome.AUTO_MATCHED, Rule.EXACT_CITED_ITEM)
    assert second.outcome is not Outcome.AUTO_MATCHED
    assert second.explanation.failed is Check.CONTENT
    assert [d.line for d in result.drawdowns] == [first.line]


def test_drawdowns_come_item_by_item_in_order_of_first_cite_whatever_the_spelling() -> None:
    # The persisted ledger keeps this order: items in the order the batch first cites them
    # (a later line spelling the cite another way joins its item's group), each item's lines
    # in batch order; the balances follow the items' order.
    other = item(certificate_no="112B000007", model="VF-4SS")
    lines = [
        line(item_no=1),
        line(item_no=2, cited_certificate_no="112B000007", goods_model="VF-4SS"),
        line(item_no=3, cited_certificate_no="113-a-004521"),
        line(item_no=4, cited_certificate_no="112B000007", goods_model="VF-4SS"),
    ]
    result = match_batch(lines, [ITEM, other], ledger(ITEM, other))
    assert [d.outcome for d in result.decisions] == [Outcome.AUTO_MATCHED] * 4
    assert [(d.item, d.line.item_no) for d in result.drawdowns] == [
        (key(ITEM), 1),
        (key(ITEM), 3),
        (key(other), 2),
        (key(other), 4),
    ]
    assert list(result.balances) == [key(ITEM), key(other)]


def test_an_item_whose_first_cite_fails_takes_its_place_at_its_first_passing_cite() -> None:
    # The first line cites ITEM in another firm's name: the exact pass leaves it to the
    # per-line path, so ITEM's group opens at line 3, after the other item's at line 2.
    other = item(certificate_no="112B000007", model="VF-4SS")
    lines = [
        line(item_no=1, importer_ban=OTHER_FIRM),
        line(item_no=2, cited_certificate_no="112B000007", goods_model="VF-4SS"),
        line(item_no=3),
    ]
    result = match_batch(lines, [ITEM, other], ledger(ITEM, other))
    first = result.decisions[0]
    assert first.outcome is Outcome.REFUSED
    assert first.explanation.failed is Check.BUSINESS_ID
    assert [(d.item, d.line.item_no) for d in result.drawdowns] == [(key(other), 2), (key(ITEM), 3)]
    assert list(result.balances) == [key(other), key(ITEM)]
