"""The labelled relevance marks (``ip_search.text.relevance``) as register records.

Planted into the demo seed, the API tests and the benchmark register, so the relevance cases can
be asked of the real search. Their application numbers (ROC year 000, serial 9xxxx) cannot
collide with the TIPO sample (000000001-) or synthetic marks (ROC years 79 onwards).
"""

from __future__ import annotations

import datetime as dt

from ip_search.importers import GoodsClass, MarkKind, MarkStatus, RecordSource, TrademarkRecord
from ip_search.text.relevance import RELEVANCE_MARKS

FIRST_NUMBER = 90_000
PLANTED_FILING_DATE = dt.date(2020, 1, 2)


def planted_number(mark_id: str) -> str:
    """The application number of the planted mark ``mark_id``."""
    index = next(i for i, mark in enumerate(RELEVANCE_MARKS) if mark.mark_id == mark_id)
    return f"{FIRST_NUMBER + index:09d}"


def planted_records() -> list[TrademarkRecord]:
    records: list[TrademarkRecord] = []
    for index, mark in enumerate(RELEVANCE_MARKS):
        records.append(
            TrademarkRecord(
                source=RecordSource.SYNTHETIC,
                application_no=f"{FIRST_NUMBER + index:09d}",
                name=mark.name,
                words_zh=next((w for w in mark.words if not w.isascii()), None),
                words_en=next((w for w in mark.words if w.isascii()), None),
                kind=MarkKind.TRADEMARK,
                status=MarkStatus.REGISTERED,
                classes=tuple(
                    GoodsClass(code=f"{c:03d}", nice_class=c, sequence=position)
                    for position, c in enumerate(mark.classes, 1)
                ),
                filing_date=PLANTED_FILING_DATE,
            )
        )
    return records
