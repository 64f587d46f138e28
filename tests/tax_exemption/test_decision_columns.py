"""A batch's decisions as the columns written back onto its lines (no database)."""

from decimal import Decimal
from typing import Any

import orjson
import pytest

from tax_exemption.domain.matching import Decision, match_batch
from tax_exemption.matching.records import DecisionColumns, candidate_json, explanation_json
from tests.tax_exemption.builders import ITEM, item, key, ledger, line

OTHER = item(certificate_no="113B009999")
LINE_IDS = [100, 101, 102]


def _decided() -> tuple[list[dict[str, Any]], list[Decision]]:
    """Each line's columns as a mapping, read back out of the column arrays."""
    lines = [
        line(),
        line(item_no=2, quantity=Decimal(3)),
        line(item_no=3, cited_certificate_no=None, cited_item_no=None),
    ]
    result = match_batch(lines, [ITEM, OTHER], ledger(ITEM, OTHER))
    columns = DecisionColumns({key(ITEM): 11, key(OTHER): 12}).of(LINE_IDS, result.decisions)
    assert all(len(column) == len(LINE_IDS) for column in columns)
    values = [
        {name: column[n] for name, column in columns._asdict().items()}
        for n in range(len(LINE_IDS))
    ]
    return values, list(result.decisions)


def test_json_columns_are_the_serialised_explanation_and_candidates() -> None:
    values, decisions = _decided()
    for row, decision in zip(values, decisions, strict=True):
        assert isinstance(row["explanation"], str) and isinstance(row["candidates"], str)
        assert orjson.loads(row["explanation"]) == explanation_json(
            decision.explanation, decision.item
        )
        assert orjson.loads(row["candidates"]) == [candidate_json(c) for c in decision.candidates]


def test_matched_lines_carry_item_id_and_quantity_and_review_lines_are_pending() -> None:
    values, decisions = _decided()
    exact, second, uncited = values
    assert (exact["line_id"], exact["outcome"], exact["matched_item_id"]) == (
        100,
        "auto_matched",
        11,
    )
    assert exact["matched_quantity"] == decisions[0].quantity
    assert second["matched_quantity"] == Decimal(3)
    # The same goods on two certificates: an officer picks, nothing is matched yet.
    assert (uncited["outcome"], uncited["review_status"]) == ("needs_review", "pending")
    assert uncited["matched_item_id"] is None and uncited["matched_quantity"] is None
    assert len(orjson.loads(uncited["candidates"])) == 2


def test_lines_sharing_an_explanation_share_its_text() -> None:
    values, _ = _decided()
    assert values[0]["explanation"] is values[1]["explanation"]


def test_outcomes_and_reasons_are_their_text() -> None:
    values, _ = _decided()
    assert [row["outcome"] for row in values] == ["auto_matched", "auto_matched", "needs_review"]
    assert all(row["refusal_reason"] is None for row in values)
    assert [row["line_id"] for row in values] == LINE_IDS


def test_a_line_id_is_needed_for_every_decision() -> None:
    _, decisions = _decided()
    with pytest.raises(ValueError, match="one line id per decision"):
        DecisionColumns({}).of(LINE_IDS[:2], decisions)
