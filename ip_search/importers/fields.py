"""Reading the fields of one record element while collecting every problem found.

An importer rejects a record with *all* its reasons at once, so a reader never stops at the
first bad field: it notes the problem, returns None and carries on.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET  # the Element type only; parsing is defusedxml's
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from common.safe_xml import text_of
from ip_search.importers.dates import DateFormatError, parse_date

_T = TypeVar("_T")


@dataclass
class FieldReader:
    """Fields of ``element``; ``problems`` lists what was wrong with them."""

    element: ET.Element
    problems: list[str] = field(default_factory=list)

    def text(self, path: str) -> str | None:
        return text_of(self.element, path)

    def date(self, path: str) -> dt.date | None:
        value = self.text(path)
        if value is None:
            return None
        try:
            return parse_date(value)
        except DateFormatError as error:
            self.problems.append(f"{path}: {error}")
            return None

    def coded(self, path: str, table: Mapping[str, _T]) -> _T | None:
        """Look a code up in a TIPO code table; an unknown code is a problem."""
        code = self.text(path)
        if code is None:
            return None
        if code not in table:
            self.problems.append(f"unknown {path} {code!r}")
            return None
        return table[code]

    def sequence(self, element: ET.Element, attribute: str = "sequence") -> int | None:
        value = (element.get(attribute) or "").strip()
        if not value:
            return None
        if not value.isdigit():
            self.problems.append(f"{attribute} attribute {value!r} is not a number")
            return None
        return int(value)
