"""The canonical form of an export's query: what is stored with the job and hashed for reuse.

Lists are sorted and de-duplicated, the applicant folded as the search folds it, ``mode`` kept
only with ``q`` and ``vienna_match`` only with Vienna codes: requests that select the same
marks in the same format get the same document, hence the same hash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from common.errors import UnprocessableContent
from common.exports import query_hash
from ip_search.opendata.exports.schemas import ExportFormat, ExportIn, ExportMode
from ip_search.search.backend import Filters, SearchMode, ViennaMatch
from ip_search.search.query import query_keys
from ip_search.text import fold


@dataclass(frozen=True, slots=True)
class ExportQuery:
    format: ExportFormat
    text: str | None
    mode: ExportMode | None  # None without text
    filters: Filters

    @classmethod
    def from_request(cls, body: ExportIn) -> ExportQuery:
        """The canonical query; 422 for date bounds the wrong way round or a blank ``q``."""
        if body.filed_from and body.filed_to and body.filed_from > body.filed_to:
            raise UnprocessableContent("filed_from is after filed_to")
        text = body.q.strip() if body.q else None
        if text is not None and not query_keys(text).compacts[0]:
            raise UnprocessableContent("q has no letter, digit or character to search for")
        return cls(
            format=body.format,
            text=text,
            mode=body.mode if text else None,
            filters=Filters(
                nice_classes=tuple(sorted(set(body.nice_class))),
                groups=tuple(sorted(set(body.group))),
                vienna=tuple(sorted(set(body.vienna))),
                vienna_match=body.vienna_match if body.vienna else ViennaMatch.ALL,
                statuses=tuple(sorted({status.value for status in body.status})),
                kinds=tuple(sorted({kind.value for kind in body.kind})),
                applicant=(fold(body.applicant) or None) if body.applicant else None,
                filed_from=body.filed_from,
                filed_to=body.filed_to,
            ),
        )

    @property
    def search_mode(self) -> SearchMode | None:
        return SearchMode(self.mode.value) if self.mode else None

    def document(self) -> dict[str, Any]:
        filters = self.filters
        return {
            "format": self.format.value,
            "q": self.text,
            "mode": self.mode.value if self.mode else None,
            "nice_class": list(filters.nice_classes),
            "group": list(filters.groups),
            "vienna": list(filters.vienna),
            "vienna_match": filters.vienna_match.value,
            "status": list(filters.statuses),
            "kind": list(filters.kinds),
            "applicant": filters.applicant,
            "filed_from": _iso(filters.filed_from),
            "filed_to": _iso(filters.filed_to),
        }

    @property
    def hash(self) -> str:
        return query_hash(self.document())

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> ExportQuery:
        """The query of a stored job (its document was made by ``document``)."""
        return cls(
            format=ExportFormat(document["format"]),
            text=document["q"],
            mode=ExportMode(document["mode"]) if document["mode"] else None,
            filters=Filters(
                nice_classes=tuple(document["nice_class"]),
                groups=tuple(document["group"]),
                vienna=tuple(document["vienna"]),
                vienna_match=ViennaMatch(document["vienna_match"]),
                statuses=tuple(document["status"]),
                kinds=tuple(document["kind"]),
                applicant=document["applicant"],
                filed_from=_date(document["filed_from"]),
                filed_to=_date(document["filed_to"]),
            ),
        )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
