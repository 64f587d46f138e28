"""Rows of watches and alerts as API models, and a score as the document an alert stores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from ip_search.text import Score
from ip_search.trademarks.schemas import ScoreOut
from ip_search.watches.schemas import AlertOut, WatchOut

DIGITS = 4
"""Scores are stored and shown rounded, as the similar search shows them."""


def score_document(score: Score) -> dict[str, Any]:
    """The explained score in the shape of ``ScoreOut`` (what the alert's ``breakdown`` holds)."""
    return {
        "total": round(score.total, DIGITS),
        "breakdown": [
            {
                "dimension": d.dimension.value,
                "matched": d.matched,
                "similarity": round(d.similarity, DIGITS),
                "weight": round(d.weight, DIGITS),
                "contribution": round(d.contribution, DIGITS),
                "evidence": d.evidence,
            }
            for d in score.breakdown
        ],
    }


def watch_out(row: RowMapping) -> WatchOut:
    return WatchOut.model_validate(dict(row))


def alert_out(row: RowMapping) -> AlertOut:
    return AlertOut(
        id=row["id"],
        watch_id=row["watch_id"],
        application_no=row["application_no"],
        name=row["name"],
        status=row["status"],
        nice_classes=row["nice_classes"] or [],
        score=ScoreOut.model_validate(row["breakdown"]),
        import_run_id=row["import_run_id"],
        created_at=row["created_at"],
        read_at=row["read_at"],
    )
