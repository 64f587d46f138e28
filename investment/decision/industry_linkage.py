"""Which manufacturing industries supply which: the upstream linkage table, kept as data.

The table (``industry_linkage.json``) names, per 2-digit industry, the manufacturing industries
of its principal intermediate inputs, with its provenance. It is data, not code, so the yearly
republication of the input-output table changes a file, not a module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TypedDict, cast

__all__ = ["IndustryLinkage", "industry_linkage"]


@dataclass(frozen=True, slots=True)
class IndustryLinkage:
    source: str
    names: dict[str, str]  # 2-digit code -> name
    upstream: dict[str, tuple[str, ...]]  # 2-digit code -> its upstream industries

    def upstream_of(self, industry_code: str) -> tuple[str, ...]:
        """The upstream industries of a 2- or 3-digit code; KeyError for a code not listed."""
        return self.upstream[industry_code[:2]]


class _Industry(TypedDict):
    name: str
    upstream: list[str]


class _Table(TypedDict):
    source: str
    industries: dict[str, _Industry]


@cache
def industry_linkage() -> IndustryLinkage:
    text = files("investment.decision").joinpath("industry_linkage.json").read_text("utf-8")
    table = cast(_Table, json.loads(text))
    industries = table["industries"]
    return IndustryLinkage(
        source=table["source"],
        names={code: entry["name"] for code, entry in industries.items()},
        upstream={code: tuple(entry["upstream"]) for code, entry in industries.items()},
    )
