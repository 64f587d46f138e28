"""Safe streaming XML: records with their file lines, strays reported, hostile files refused."""

from __future__ import annotations

import pytest

from common.safe_xml import (
    ElementLines,
    HostileXmlError,
    MalformedXmlError,
    iter_children,
    iter_elements,
)

ROOTS = frozenset({"list"})
DOCUMENT = b"""<?xml version="1.0"?>
<list>
  <record>
    <name>a</name>
  </record>
  <stray/>
  <record><name>b</name></record>
</list>
"""
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE list [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b"<list><record>&lol2;</record></list>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE list [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<list><record>&xxe;</record></list>"
)


def test_children_come_in_order_with_the_line_each_element_starts_on() -> None:
    lines = ElementLines()
    seen = [
        (child.tag, lines.line_of(child), [lines.line_of(name) for name in child.iter("name")])
        for child in iter_children(DOCUMENT, ROOTS, lines=lines)
    ]
    assert seen == [("record", 3, [4]), ("stray", 6, []), ("record", 7, [7])]


def test_a_record_is_forgotten_once_the_reader_moves_past_it() -> None:
    lines = ElementLines()
    children = iter_children(DOCUMENT, ROOTS, lines=lines)
    first = next(children)
    assert lines.line_of(first) == 3
    next(children)
    with pytest.raises(KeyError):
        lines.line_of(first)


def test_record_tags_still_select_records_at_any_depth() -> None:
    names = [element.text for element in iter_elements(DOCUMENT, frozenset({"name"}), ROOTS)]
    assert names == ["a", "b"]


@pytest.mark.parametrize("attack", [BILLION_LAUGHS, XXE], ids=["billion laughs", "XXE"])
@pytest.mark.parametrize("lines", [None, ElementLines()], ids=["plain", "with lines"])
def test_entity_declarations_are_refused_with_or_without_lines(
    attack: bytes, lines: ElementLines | None
) -> None:
    with pytest.raises(HostileXmlError) as refused:
        list(iter_children(attack, ROOTS, lines=lines))
    assert refused.value.reason.startswith("refused, XML declares entities")
    assert str(refused.value).startswith("<bytes>: ")


def test_malformed_and_foreign_documents_are_refused() -> None:
    with pytest.raises(MalformedXmlError, match="malformed XML") as truncated:
        list(iter_children(b"<list><record>", ROOTS, lines=ElementLines()))
    assert "line 1" in truncated.value.reason
    with pytest.raises(MalformedXmlError, match=r"root element <html>"):
        list(iter_children(b"<html/>", ROOTS))
