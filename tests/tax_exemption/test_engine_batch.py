"""The batch function: determinism, input order, duplicates, configuration."""

import gc
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tax_exemption.domain.matching import (
    CertificateItem,
    DeclarationLine,
    LineKey,
    MatchConfig,
    match_batch,
)
from tax_exemption.domain.matching.records import line_keys
from tests.tax_exemption.builders import ITEM, item, ledger, line


def _batch() -> tuple[list[DeclarationLine], list[CertificateItem]]:
    items = [
        ITEM,
        item(certificate_no="113B009999"),
        item(item_no=2, model="VF-3SS", balance=Decimal(3)),
    ]
    lines = [
        line(),
        line(item_no=2, cited_certificate_no=None, cited_item_no=None),
        line(item_no=3, goods_model="VF 3SS", cited_item_no=2, quantity=Decimal(2)),
        line(
            declaration_no="AW13000002",
            goods_model="VF-3SS",
            cited_item_no=2,
            quantity=Decimal(2),
            declaration_date=date(2024, 5, 1),
        ),
        line(declaration_no="AW13000003", importer_ban="10458575"),
    ]
    return lines, items


def test_same_input_same_result() -> None:
    lines, items = _batch()
    assert match_batch(lines, items, ledger(*items)) == match_batch(lines, items, ledger(*items))


def test_input_order_does_not_change_any_decision_or_balance() -> None:
    lines, items = _batch()
    forward = match_batch(lines, items, ledger(*items))
    backward = match_batch(lines[::-1], items[::-1], ledger(*items))
    assert dict(zip(lines, forward.decisions, strict=True)) == dict(
        zip(lines[::-1], backward.decisions, strict=True)
    )
    assert forward.balances == backward.balances
    assert sorted(forward.drawdowns) == sorted(backward.drawdowns)


def test_lines_given_as_a_list_a_tuple_or_a_generator_decide_alike_and_stay_as_given() -> None:
    lines, items = _batch()
    given = list(lines)
    expected = match_batch(lines, items, ledger(*items))
    assert match_batch(tuple(lines), items, ledger(*items)) == expected
    assert match_batch((each for each in lines), items, ledger(*items)) == expected
    assert lines == given


def test_a_line_twice_in_one_batch_is_rejected() -> None:
    with pytest.raises(ValueError, match="once"):
        match_batch([line(), line()], [ITEM], ledger(ITEM))


def test_duplicate_items_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        match_batch([line()], [ITEM, replace(ITEM)], ledger(ITEM))


@pytest.mark.parametrize(
    "changes",
    [
        {"review_floor": 95.0},
        {"description_weight": 0.0},
        {"max_candidates": 0},
        {"spec_weight": -1.0},
    ],
)
def test_inconsistent_configuration_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        replace(MatchConfig(), **changes)


def test_a_stricter_threshold_sends_fuzzy_matches_to_review() -> None:
    uncited = line(
        goods_spec="X軸行程 762MM 主軸轉速 12000 RPM",
        cited_certificate_no=None,
        cited_item_no=None,
        description="立式綜合加工机 VERTICAL MACHINNG CENTER",
    )
    loose = match_batch([uncited], [ITEM], ledger(ITEM)).decisions[0]
    strict = match_batch(
        [uncited], [ITEM], ledger(ITEM), MatchConfig(auto_threshold=99.5)
    ).decisions[0]
    assert loose.outcome.value == "auto_matched"
    assert strict.outcome.value == "needs_review"


def test_the_batch_leaves_the_garbage_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    match_batch([line()], [ITEM], ledger(ITEM))
    assert gc.isenabled()
    gc.disable()
    try:
        match_batch([line()], [ITEM], ledger(ITEM))
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError, match="once"):
        match_batch([line(), line()], [ITEM], ledger(ITEM))
    assert gc.isenabled()  # restored when the batch is rejected, too


def test_line_keys_are_the_lines_own_keys() -> None:
    lines, _ = _batch()
    keys = line_keys(lines)
    assert keys == [declared.key for declared in lines]
    assert all(type(k) is LineKey for k in keys)
