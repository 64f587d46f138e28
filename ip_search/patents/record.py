"""One patent document as the JSON Lines importer accepts it, and the row it becomes.

The fields are documented in ``ip_search.patents.importer``. Validation normalises what offices
write in several ways (IPC ``H01M 10/052`` -> ``H01M10/052``, numbers in upper case without
blanks) and derives the search columns: number keys, IPC prefixes and CJK bigrams.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ip_search.patents.cjk import index_text

__all__ = ["OFFICES", "Office", "PatentRecord", "number_key", "to_row"]

Office = Literal["TW", "US", "EP", "JP", "CN", "KR"]
OFFICES: tuple[Office, ...] = ("TW", "US", "EP", "JP", "CN", "KR")
_IPC = re.compile(r"^[A-H]\d{2}[A-Z]\d{1,4}/\d{1,6}$")
# Private-use characters mark highlights in snippets; a document must not carry its own.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def number_key(number: str) -> str:
    """Upper case without blanks or punctuation: how PN= and AN= values are compared."""
    return re.sub(r"[^0-9A-Z]", "", number.upper())


def _ipc(code: str) -> str:
    normal = re.sub(r"\s+", "", code.upper())
    if not _IPC.match(normal):
        raise ValueError(f"{code!r} is not an IPC symbol such as H01M 10/052")
    return normal


def _clean(text: str) -> str:
    return _PRIVATE_USE.sub("", text).strip()


def _number(text: str) -> str:
    if not number_key(text):
        raise ValueError("has no letters or digits")
    return text.strip().upper()


Text = Annotated[str, AfterValidator(_clean)]
Number = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_number)]
Name = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_clean)]


class PatentRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    office: Office
    publication_no: Number
    kind: Annotated[str, Field(pattern=r"^[A-Z][0-9]?$")]
    publication_date: date
    application_no: Number
    application_date: date | None = None
    title: Annotated[Text, Field(min_length=1, max_length=2000)]
    abstract: Annotated[Text, Field(max_length=20_000)] = ""
    claims: Annotated[list[Annotated[Text, Field(max_length=50_000)]], Field(max_length=500)] = []
    ipc: Annotated[list[Annotated[str, AfterValidator(_ipc)]], Field(max_length=200)] = []
    applicants: Annotated[list[Name], Field(max_length=100)] = []
    inventors: Annotated[list[Name], Field(max_length=200)] = []
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")]

    @model_validator(mode="after")
    def _dates_in_order(self) -> PatentRecord:
        if self.application_date and self.application_date > self.publication_date:
            raise ValueError("application_date is after publication_date")
        return self


def _ipc_prefixes(codes: list[str]) -> list[str]:
    return sorted({code[:end] for code in codes for end in range(1, len(code) + 1)})


def _number_keys(office: str, number: str, kind: str = "") -> list[str]:
    key = number_key(number)
    keys = {key, office + key}
    if kind:
        keys.add(office + key + kind)
    return sorted(keys)


def to_row(record: PatentRecord) -> dict[str, Any]:
    """The ``ip_search.patent`` row of one record (generated columns are PostgreSQL's)."""
    claims = "\n\n".join(record.claims)
    return {
        **record.model_dump(exclude={"claims"}),
        "claims": claims,
        "ipc_prefixes": _ipc_prefixes(record.ipc),
        "pn_keys": _number_keys(record.office, record.publication_no, record.kind),
        "an_keys": _number_keys(record.office, record.application_no),
        "title_grams": index_text(record.title),
        "abstract_grams": index_text(record.abstract),
        "claims_grams": index_text(claims),
        "applicant_terms": _name_terms(record.applicants),
        "inventor_terms": _name_terms(record.inventors),
    }


def _name_terms(names: list[str]) -> str:
    joined = " ; ".join(names)
    return f"{joined} {index_text(joined)}".strip()
