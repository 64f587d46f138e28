"""Streaming, hostile-input-proof XML reading for the TIPO feeds.

Real TmarkAppl files open with ``<!DOCTYPE tmarkappl SYSTEM "ftp://...dtd">``: the declaration
is tolerated and never fetched (expat does not load external DTDs and defusedxml forbids
external references). Any entity declaration — internal (billion laughs), external (XXE) or
parameter — is refused, as is malformed XML. Refusal is for the whole file: callers run
``check_xml`` over the file before importing anything from it (``iter_records`` does so for
paths and bytes), so a file that breaks at its last byte leaves nothing half-imported.
"""

from __future__ import annotations

import io
import os

# Only the Element type and ParseError come from the stdlib; parsing goes through defusedxml.
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

XmlSource = str | os.PathLike[str] | bytes | BinaryIO


class XmlRefusedError(ValueError):
    """A whole XML file refused; nothing from it may be imported."""


class HostileXmlError(XmlRefusedError):
    """Entity declarations or external references: a billion-laughs or XXE attempt."""


class MalformedXmlError(XmlRefusedError):
    """Not well-formed XML (or not the structure the feed promises)."""


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
    source: XmlSource, record_tags: frozenset[str], roots: frozenset[str]
) -> Iterator[ET.Element]:
    """Yield each complete element whose tag is in ``record_tags``, then free it.

    The document element must be one of ``roots`` (a gazette file fed to the TmarkAppl reader
    is refused rather than read as zero records).

    Elements are detached from their parent after use, so memory stays flat on files of any
    size. Raises HostileXmlError or MalformedXmlError, possibly after some records (see module
    docstring for why callers pre-check).
    """
    name = _describe(source)
    stack: list[ET.Element] = []
    try:
        with _opened(source) as handle:
            for event, element in iterparse(handle, events=("start", "end")):
                if event == "start":
                    if not stack and element.tag not in roots:
                        raise MalformedXmlError(
                            f"{name}: refused, root element <{element.tag}> is not one of "
                            f"{sorted(roots)}"
                        )
                    stack.append(element)
                    continue
                stack.pop()
                if element.tag in record_tags:
                    yield element
                    if stack:
                        stack[-1].remove(element)
    except DefusedXmlException as error:
        raise HostileXmlError(f"{name}: refused, XML declares entities ({error!r})") from None
    except ET.ParseError as error:
        raise MalformedXmlError(f"{name}: refused, malformed XML ({error})") from None


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
