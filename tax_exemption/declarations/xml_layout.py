"""XML uploads in the customs field layout, read with defusedxml and checked without the database.

Element names are the customs field ids of the CSV columns (``customs_layout``); no namespace,
no attributes, one declaration per ``<Declaration>`` with its header fields and one ``<Item>``
per item line (optional fields may be left out)::

    <?xml version="1.0" encoding="UTF-8"?>
    <Declarations>
      <Declaration>                                   進口報單
        <DECLNO>AW13000009</DECLNO>                   報單號碼
        <SHPR_BAN_ID>04595257</SHPR_BAN_ID>           進口人統一編號
        <DECL_DATE>113.06.01</DECL_DATE>              ROC or ISO date
        <Item>                                        項次, one or more
          <ITEM_NO>1</ITEM_NO>
          <CCC_CODE>8457.10.10.00-3</CCC_CODE>
          <DESCRIPTION>立式綜合加工機</DESCRIPTION>
          <GOODS_MODEL>VF-1SS</GOODS_MODEL>  <GOODS_SPEC/>
          <QTY>3</QTY>  <DOC_UM>SET</DOC_UM>  <ST_QTY/>  <ST_UM/>
          <ORG_COUNTRY>US</ORG_COUNTRY>
          <CERT_NO>IDA1130000001</CERT_NO>  <CERT_NO_ITEM>1</CERT_NO_ITEM>
          <ACTION>N</ACTION>                          N/A declare or amend, C/D cancel
        </Item>
      </Declaration>
    </Declarations>

An ``<Item>`` with its declaration's header fields is one declaration line; its problems are
reported under the line of the file where the ``<Item>`` starts (a misplaced or unknown element
under its own line). A file declaring entities (billion laughs, XXE) or not well-formed is
refused as a whole.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # the Element type only; parsing is common.safe_xml's
from dataclasses import dataclass

from common.safe_xml import ElementLines, HostileXmlError, XmlRefusedError, iter_children
from tax_exemption.declarations.customs_layout import (
    COLUMNS,
    ParsedUpload,
    add_line,
    canonical,
    mismatch,
)

__all__ = ["HEADER_FIELDS", "ITEM_FIELDS", "parse_xml"]

ROOTS = frozenset({"Declarations"})
DECLARATION = "Declaration"
ITEM = "Item"
HEADER_FIELDS = frozenset({"DECLNO", "SHPR_BAN_ID", "DECL_DATE"})
ITEM_FIELDS = frozenset(COLUMNS) - HEADER_FIELDS

Fields = list[tuple[str, str]]  # (canonical field id, text) in document order


def parse_xml(data: bytes, max_lines: int) -> ParsedUpload:
    """Every line checked; ``errors`` names the file or each bad line (1-based file lines)."""
    reader = _Reader(ParsedUpload(), ElementLines(), max_lines)
    try:
        for element in iter_children(data, ROOTS, lines=reader.lines):
            reader.declaration(element)
    except XmlRefusedError as error:
        kind = "entities" if isinstance(error, HostileXmlError) else "malformed"
        return _refused(error.reason, kind)
    except _TooManyLines:
        return _refused(f"more than {max_lines} lines in one upload", "too_many_lines")
    if reader.items == 0:
        return _refused("the file has no lines", "empty")
    return reader.parsed


def _refused(message: str, kind: str) -> ParsedUpload:
    refused = ParsedUpload()
    refused.file_problem(message, kind)
    return refused


class _TooManyLines(Exception):
    pass


@dataclass(slots=True)
class _Reader:
    parsed: ParsedUpload
    lines: ElementLines
    max_lines: int
    items: int = 0

    def declaration(self, element: ET.Element) -> None:
        number = self.lines.line_of(element)
        if element.tag != DECLARATION:
            message = f"<{element.tag}> is not an element of <Declarations>"
            self.parsed.line_problem(number, message, "elements", element.tag)
            return
        header = self._fields(element, HEADER_FIELDS, containers=frozenset({ITEM}))
        items = element.findall(ITEM)
        if not items:
            self.parsed.line_problem(number, "a <Declaration> holds one or more <Item>", "elements")
        for item in items:
            self._item(item, header)

    def _item(self, item: ET.Element, header: Fields) -> None:
        self.items += 1
        if self.items > self.max_lines:
            raise _TooManyLines
        fields = self._fields(item, ITEM_FIELDS)
        number = self.lines.line_of(item)
        wrong = mismatch([name for name, _ in header + fields])
        if wrong is not None:
            self.parsed.line_problem(number, wrong.describe("elements"), "elements")
            return
        add_line(self.parsed, number, dict(header + fields))

    def _fields(
        self, parent: ET.Element, allowed: frozenset[str], containers: frozenset[str] = frozenset()
    ) -> Fields:
        """The readable field elements of ``parent``, after reporting the others."""
        fields: Fields = []
        self._plain(parent, parent.tag, may_nest=True)
        for child in parent:
            if child.tag in containers:
                continue
            name = canonical(child.tag)
            if name not in allowed:
                self._misplaced(child, name, parent.tag)
            elif self._plain(child, name, may_nest=False):
                fields.append((name, child.text or ""))
        return fields

    def _plain(self, element: ET.Element, name: str, *, may_nest: bool) -> bool:
        """Reports attributes (the layout has none) and elements inside a field's text."""
        number = self.lines.line_of(element)
        if element.attrib:
            message = f"<{element.tag}> takes no attributes"
            self.parsed.line_problem(number, message, "elements", name)
            return False
        if not may_nest and len(element):
            message = f"<{element.tag}> holds text, not elements"
            self.parsed.line_problem(number, message, "elements", name)
            return False
        return True

    def _misplaced(self, child: ET.Element, name: str, parent_tag: str) -> None:
        if name in HEADER_FIELDS:
            message = f"<{child.tag}> belongs in <{DECLARATION}>, not <{parent_tag}>"
        elif name in ITEM_FIELDS:
            message = f"<{child.tag}> belongs in <{ITEM}>, not <{parent_tag}>"
        else:
            message = f"<{child.tag}> is not a customs field of <{parent_tag}>"
        self.parsed.line_problem(self.lines.line_of(child), message, "elements", child.tag)
