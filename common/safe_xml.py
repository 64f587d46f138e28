"""Streaming, hostile-input-proof XML reading (defusedxml over expat).

A ``<!DOCTYPE ... SYSTEM "...dtd">`` declaration is tolerated and never fetched (expat does not
load external DTDs and defusedxml forbids external references): TIPO's feeds open with one. Any
entity declaration — internal (billion laughs), external (XXE) or parameter — is refused, as is
malformed XML. Refusal is for the whole file: a reader must see the whole file before storing
anything from it (``check_xml`` / ``iter_checked``, or by collecting every record first), so a
file that breaks at its last byte leaves nothing half-imported.
"""

from __future__ import annotations

import io
import os

# Only the Element and TreeBuilder types and ParseError come from the stdlib; parsing goes
# through defusedxml.
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from pyexpat import XMLParserType
from typing import Any, BinaryIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, iterparse

__all__ = [
    "ElementLines",
    "HostileXmlError",
    "MalformedXmlError",
    "XmlRefusedError",
    "XmlSource",
    "check_xml",
    "iter_checked",
    "iter_children",
    "iter_elements",
    "text_of",
]

XmlSource = str | os.PathLike[str] | bytes | BinaryIO
# (element, depth once closed: 0 for the document element, 1 for its children, ...)
_IsRecord = Callable[[ET.Element, int], bool]


class XmlRefusedError(ValueError):
    """A whole XML file refused; nothing from it may be imported.

    ``reason`` is the message without the file's name, for answering whoever uploaded it.
    """

    def __init__(self, source_name: str, reason: str) -> None:
        super().__init__(f"{source_name}: {reason}")
        self.reason = reason


class HostileXmlError(XmlRefusedError):
    """Entity declarations or external references: a billion-laughs or XXE attempt."""


class MalformedXmlError(XmlRefusedError):
    """Not well-formed XML (or not the document element the reader expects)."""


class _LineNotingBuilder(ET.TreeBuilder):
    """Notes the line where each element starts while expat is still on it."""

    def __init__(self, lines: dict[ET.Element, int]) -> None:
        super().__init__()
        self._lines = lines
        self.expat: XMLParserType | None = None

    def start(self, tag: Any, attrs: dict[Any, Any], /) -> ET.Element:
        element = super().start(tag, attrs)
        if self.expat is not None:
            self._lines[element] = self.expat.CurrentLineNumber
        return element


class ElementLines:
    """The line where each element of the record being handled starts, for error reports.

    iterparse hands out elements after a whole chunk has been parsed, when expat's position is
    far past them: the line has to be noted as each element starts. A record's entries are
    dropped once the reader moves past the record, so memory stays flat.
    """

    def __init__(self) -> None:
        self._lines: dict[ET.Element, int] = {}

    def line_of(self, element: ET.Element) -> int:
        return self._lines[element]

    def parser(self) -> DefusedXMLParser:
        builder = _LineNotingBuilder(self._lines)
        parser = DefusedXMLParser(target=builder)
        builder.expat = parser.parser
        return parser

    def forget(self, record: ET.Element) -> None:
        for element in record.iter():
            self._lines.pop(element, None)


@contextmanager
def _opened(source: XmlSource) -> Iterator[BinaryIO]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        with Path(source).open("rb") as handle:
            yield handle
    else:
        yield source


def _describe(source: XmlSource) -> str:
    if isinstance(source, str | os.PathLike):
        return str(source)
    return "<bytes>" if isinstance(source, bytes) else "<stream>"


def iter_elements(
    source: XmlSource,
    record_tags: frozenset[str],
    roots: frozenset[str],
    *,
    lines: ElementLines | None = None,
) -> Iterator[ET.Element]:
    """Yield each complete element whose tag is in ``record_tags``, at any depth, then free it.

    The document element must be one of ``roots`` (a gazette file fed to the TmarkAppl reader
    is refused rather than read as zero records). Elements are detached from their parent after
    use, so memory stays flat on files of any size. Raises HostileXmlError or
    MalformedXmlError, possibly after some records (see the module docstring).
    """
    return _records(source, roots, lambda element, _depth: element.tag in record_tags, lines)


def iter_children(
    source: XmlSource, roots: frozenset[str], *, lines: ElementLines | None = None
) -> Iterator[ET.Element]:
    """Yield each complete child of the document element, whatever its tag, then free it.

    For layouts whose reader must report a stray element rather than skip it.
    """
    return _records(source, roots, lambda _element, depth: depth == 1, lines)


def _records(
    source: XmlSource, roots: frozenset[str], is_record: _IsRecord, lines: ElementLines | None
) -> Iterator[ET.Element]:
    name = _describe(source)
    try:
        with _opened(source) as handle:
            parser = None if lines is None else lines.parser()
            events = iterparse(handle, events=("start", "end"), parser=parser)
            yield from _detached(events, roots, is_record, name, lines)
    except DefusedXmlException as error:
        raise HostileXmlError(name, f"refused, XML declares entities ({error!r})") from None
    except ET.ParseError as error:
        raise MalformedXmlError(name, f"refused, malformed XML ({error})") from None


def _detached(
    events: Iterator[tuple[str, Any]],
    roots: frozenset[str],
    is_record: _IsRecord,
    name: str,
    lines: ElementLines | None,
) -> Iterator[ET.Element]:
    stack: list[ET.Element] = []
    for event, element in events:
        if event == "start":
            if not stack and element.tag not in roots:
                reason = f"refused, root element <{element.tag}> is not one of {sorted(roots)}"
                raise MalformedXmlError(name, reason)
            stack.append(element)
            continue
        stack.pop()
        if is_record(element, len(stack)):
            yield element
            if stack:
                stack[-1].remove(element)
            if lines is not None:
                lines.forget(element)


def check_xml(source: XmlSource, record_tags: frozenset[str], roots: frozenset[str]) -> int:
    """Read the whole file without building records; return how many records it holds."""
    return sum(1 for _ in iter_elements(source, record_tags, roots))


def iter_checked(
    source: XmlSource, record_tags: frozenset[str], roots: frozenset[str]
) -> Iterator[ET.Element]:
    """``iter_elements`` after a full ``check_xml`` pass when the source can be read twice.

    Paths and bytes are checked first, so a refused file yields no record at all; a one-shot
    stream cannot be re-read, and its caller must import it inside one transaction.
    """
    if isinstance(source, bytes | str | os.PathLike):
        check_xml(source, record_tags, roots)
    yield from iter_elements(source, record_tags, roots)


def text_of(parent: ET.Element, tag: str) -> str | None:
    """Stripped text of a child element; None when absent or blank.

    Blank includes the full-width space U+3000 that TIPO writes for "no value"; inner
    full-width spaces (盛香堂　許鉗) are part of the value and stay.
    """
    child = parent.find(tag)
    if child is None or child.text is None:
        return None
    value = child.text.strip()  # str.strip() also strips U+3000
    return value or None
