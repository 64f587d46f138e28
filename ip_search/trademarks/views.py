"""Rows of one register record as the API's ``TrademarkOut`` document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import RowMapping

from ip_search.trademarks.repository import RecordRows
from ip_search.trademarks.schemas import AgentOut, GoodsClassOut, PartyOut, TrademarkOut


def _parties(rows: Sequence[RowMapping], role: str) -> list[PartyOut]:
    return [PartyOut.model_validate(dict(row)) for row in rows if row["role"] == role]


def record_out(rows: RecordRows, stamp: dt.datetime | None) -> TrademarkOut:
    mark = dict(rows.mark)
    return TrademarkOut.model_validate(
        {
            **mark,
            "classes": [GoodsClassOut.model_validate(dict(row)) for row in rows.classes],
            "applicants": _parties(rows.parties, "applicant"),
            "owners": _parties(rows.parties, "owner"),
            "agents": [AgentOut.model_validate(dict(row)) for row in rows.agents],
            "data_as_of": stamp,
        }
    )
