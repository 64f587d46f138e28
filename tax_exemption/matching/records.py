"""Rows to the engine's records and its decisions back to columns (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from sqlalchemy import RowMapping

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


def certificate_item(row: RowMapping) -> CertificateItem:
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


class DecisionColumns:
    """The columns of a batch's lines once the engine has decided them, JSON columns as text.

    Most lines of a batch are exact matches sharing their item's explanation, so each distinct
    (explanation, item) is serialised once per batch, not once per line.
    """

    __slots__ = ("_explanations", "_item_ids")

    def __init__(self, item_ids: Mapping[ItemKey, int]) -> None:
        self._item_ids = item_ids
        self._explanations: dict[tuple[Explanation, ItemKey | None], str] = {}

    def of(self, line_id: int, decision: Decision) -> dict[str, Any]:
        matched = decision.outcome is Outcome.AUTO_MATCHED and decision.item is not None
        return {
            "line_id": line_id,
            "outcome": str(decision.outcome),
            "refusal_reason": None if decision.reason is None else str(decision.reason),
            "matched_item_id": self._item_ids[decision.item] if matched and decision.item else None,
            "matched_quantity": decision.quantity if matched else None,
            "explanation": self._explanation(decision.explanation, decision.item),
            "candidates": _candidates_text(decision.candidates),
            "review_status": PENDING if decision.outcome is Outcome.NEEDS_REVIEW else None,
        }

    def _explanation(self, explanation: Explanation, item: ItemKey | None) -> str:
        key = (explanation, item)
        text = self._explanations.get(key)
        if text is None:
            text = self._explanations[key] = _json(explanation_json(explanation, item))
        return text


def _candidates_text(candidates: tuple[Candidate, ...]) -> str:
    return _json([candidate_json(c) for c in candidates]) if candidates else "[]"


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()
