"""Hostile and malformed XML is refused as a whole, before any record is produced."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ip_search.importers import (
    HostileXmlError,
    ImportItem,
    MalformedXmlError,
    read_gazette,
    read_tmarkappl,
    read_tmarkrights,
)

Reader = Callable[[Path], Iterator[ImportItem]]
READERS: list[Reader] = [read_tmarkappl, read_tmarkrights, read_gazette]

GOOD_RECORD = (
    "<tmarkcontent><appl-no>110000001</appl-no><tmark-name>好</tmark-name>"
    "<tmark-class>1</tmark-class></tmarkcontent>"
)
HOSTILE = {
    "external entity (XXE)": (
        '<?xml version="1.0"?><!DOCTYPE tmarkappl [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f"<tmarkappl>{GOOD_RECORD}<tmarkcontent><tmark-name>&xxe;</tmark-name></tmarkcontent>"
        "</tmarkappl>"
    ),
    "billion laughs": (
        '<?xml version="1.0"?><!DOCTYPE tmarkappl [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        f"<tmarkappl>{GOOD_RECORD}<tmarkcontent><tmark-name>&lol3;</tmark-name>"
        "</tmarkcontent></tmarkappl>"
    ),
    "internal entity": (
        '<?xml version="1.0"?><!DOCTYPE tmarkappl [<!ENTITY name "林森">]>'
        f"<tmarkappl>{GOOD_RECORD}</tmarkappl>"
    ),
    "external parameter entity": (
        '<?xml version="1.0"?><!DOCTYPE tmarkappl [<!ENTITY % dtd SYSTEM "http://127.0.0.1:9/x">'
        f"%dtd;]><tmarkappl>{GOOD_RECORD}</tmarkappl>"
    ),
}


@pytest.mark.parametrize("attack", sorted(HOSTILE))
def test_hostile_xml_is_refused_before_any_record(attack: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.xml"
    path.write_text(HOSTILE[attack], encoding="utf-8")
    produced: list[ImportItem] = []

    with pytest.raises(HostileXmlError, match="refused, XML declares entities"):
        produced.extend(read_tmarkappl(path))

    assert produced == []  # the good record in front of the attack never came out


def test_malformed_tail_refuses_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "truncated.xml"
    path.write_text(f"<tmarkappl>{GOOD_RECORD * 3}<tmarkcontent><appl-no>1", encoding="utf-8")
    produced: list[ImportItem] = []

    with pytest.raises(MalformedXmlError, match=r"truncated\.xml: refused, malformed XML"):
        produced.extend(read_tmarkappl(path))

    assert produced == []


def test_undeclared_entity_reference_is_malformed() -> None:
    xml = b'<!DOCTYPE tmarkappl SYSTEM "x.dtd"><tmarkappl><tmark-name>&x;</tmark-name></tmarkappl>'

    with pytest.raises(MalformedXmlError, match="undefined entity"):
        list(read_tmarkappl(xml))


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_wrong_kind_of_file_is_refused(reader: Reader, tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<html><body>503 Service Unavailable</body></html>", encoding="utf-8")

    with pytest.raises(MalformedXmlError, match=r"root element <html>"):
        list(reader(path))


def test_doctype_with_remote_dtd_is_tolerated_and_not_fetched() -> None:
    # An unreachable host: if the reader tried to fetch the DTD this would fail or hang.
    xml = (
        '<?xml version="1.0"?><!DOCTYPE tmarkappl SYSTEM "ftp://192.0.2.1/tmarkappl.dtd">'
        f"<tmarkappl>{GOOD_RECORD}</tmarkappl>"
    ).encode()

    (record,) = list(read_tmarkappl(xml))

    assert record.application_no == "110000001"
