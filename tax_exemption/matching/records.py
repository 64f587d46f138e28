"""Rows to the engine's records and its decisions back to columns (no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

import orjson
from asyncpg import Record

from tax_exemption.domain.matching import (
    Candidate,
    CertificateItem,
    Decision,
    DeclarationLine,
    Explanation,
    ItemKey,
    Outcome,
)

PENDING = "pending"
_AUTO_MATCHED = Outcome.AUTO_MATCHED
_NEEDS_REVIEW = Outcome.NEEDS_REVIEW


def certificate_item(row: Mapping[str, Any] | Record) -> CertificateItem:
    return CertificateItem(
        certificate_no=row["certificate_no"],
        item_no=row["item_no"],
        business_id=row["business_id"],
        ccc_code=row["ccc_code"],
        description=row["description"],
        model=row["model"],
        spec=row["spec"],
        unit=row["unit"],
        approved_quantity=row["approved_quantity"],
        balance=row["balance"],
        valid_from=row["valid_from"],
        valid_until=row["valid_until"],
        ten_digit_rule=row["ten_digit_rule"],
    )


def stored_item(row: Record) -> CertificateItem:
    """A row of ``repository.candidate_items``: its id, then the record's fields in order."""
    return CertificateItem(*row[1:])


def stored_line(row: Record) -> DeclarationLine:
    """A row of ``repository.lines_to_match``: its id, then the record's fields in order."""
    return DeclarationLine(*row[1:])


def declaration_line(row: Mapping[Any, Any]) -> DeclarationLine:
    return DeclarationLine(
        declaration_no=row["declaration_no"],
        item_no=row["item_no"],
        importer_ban=row["importer_ban"],
        ccc_code=row["ccc_code"],
        description=row["description"],
        goods_model=row["goods_model"],
        goods_spec=row["goods_spec"],
        quantity=row["quantity"],
        doc_unit=row["doc_unit"],
        stat_quantity=row["stat_quantity"],
        stat_unit=row["stat_unit"],
        origin_country=row["origin_country"],
        cited_certificate_no=row["cited_certificate_no"],
        cited_item_no=row["cited_item_no"],
        declaration_date=row["declaration_date"],
    )


def explanation_json(explanation: Explanation, item: ItemKey | None) -> dict[str, Any]:
    return {
        "rule": str(explanation.rule),
        "detail": explanation.detail,
        "passed": [str(check) for check in explanation.passed],
        "failed": None if explanation.failed is None else str(explanation.failed),
        "item": None if item is None else item_json(item),
    }


def item_json(key: ItemKey) -> dict[str, Any]:
    return {"certificate_no": key.certificate_no, "item_no": key.item_no}


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    scores = candidate.scores
    return {
        **item_json(candidate.item),
        "scores": {
            "description": round(scores.description, 1),
            "model": round(scores.model, 1),
            "spec": round(scores.spec, 1),
            "total": round(scores.total, 1),
            "model_agrees": scores.model_agrees,
        },
        "blockers": [str(blocker) for blocker in candidate.blockers],
    }


class DecisionArrays(NamedTuple):
    """A batch's decisions as the columns written back onto its lines, one list per column
    (``line_id[n]`` is the row of the batch's n-th decision); JSON columns as text."""

    line_id: list[int]
    outcome: list[str]
    refusal_reason: list[str | None]
    matched_item_id: list[int | None]
    matched_quantity: list[Decimal | None]
    explanation: list[str]
    candidates: list[str]
    review_status: list[str | None]


class DecisionColumns:
    """The columns of a batch's lines once the engine has decided them.

    Built a column at a time, not a row (a mapping) per line: the batch's write takes one
    array per column anyway. Most lines of a batch are exact matches sharing their item's
    explanation, so each distinct (explanation, item) is serialised once per batch, not once
    per line. Outcomes and reasons are string enums: their members are the column's text.
    """

    __slots__ = ("_explanations", "_item_ids")

    def __init__(self, item_ids: Mapping[ItemKey, int]) -> None:
        self._item_ids = item_ids
        self._explanations: dict[tuple[Explanation, ItemKey | None], str] = {}

    def of(self, line_ids: Sequence[int], decisions: Sequence[Decision]) -> DecisionArrays:
        """``line_ids[n]`` is the row of ``decisions[n]``."""
        if len(line_ids) != len(decisions):
            raise ValueError("one line id per decision")
        item_ids = self._item_ids
        matched = [d.item if d.outcome is _AUTO_MATCHED else None for d in decisions]
        return DecisionArrays(
            line_id=list(line_ids),
            outcome=[d.outcome for d in decisions],
            refusal_reason=[d.reason for d in decisions],
            matched_item_id=[None if item is None else item_ids[item] for item in matched],
            matched_quantity=[
                None if item is None else d.quantity
                for item, d in zip(matched, decisions, strict=True)
            ],
            explanation=[self._explanation(d.explanation, d.item) for d in decisions],
            candidates=[_candidates_text(d.candidates) for d in decisions],
            review_status=[PENDING if d.outcome is _NEEDS_REVIEW else None for d in decisions],
        )

    def _explanation(self, explanation: Explanation, item: ItemKey | None) -> str:
        key = (explanation, item)
        text = self._explanations.get(key)
        if text is None:
            text = self._explanations[key] = _json(explanation_json(explanation, item))
        return text


def numeric_texts(values: Iterable[Decimal | None]) -> list[str | None]:
    """Decimals for a ``text[]`` parameter cast to ``numeric[]`` in SQL: the text of a Decimal
    is exact, and ``str`` costs a third of asyncpg's binary numeric encoding (a batch sends a
    quantity per line, three times over)."""
    return [None if value is None else str(value) for value in values]


def _candidates_text(candidates: tuple[Candidate, ...]) -> str:
    return _json([candidate_json(c) for c in candidates]) if candidates else "[]"


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()
