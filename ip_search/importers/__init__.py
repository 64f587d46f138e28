"""Importers of TIPO trademark feeds into typed records (pure parsing, no storage).

Every reader yields ``TrademarkRecord`` or ``RecordRejection`` items in file order and raises
``XmlRefusedError`` (HostileXmlError / MalformedXmlError) for a file that must not be imported
at all.
"""

from common.safe_xml import HostileXmlError, MalformedXmlError, XmlRefusedError
from ip_search.importers.dates import DateFormatError, parse_date, to_roc
from ip_search.importers.gazette import read_gazette
from ip_search.importers.records import (
    Agent,
    GoodsClass,
    ImportItem,
    MarkColour,
    MarkForm,
    MarkKind,
    MarkStatus,
    Party,
    RecordRejection,
    RecordSource,
    TrademarkRecord,
)
from ip_search.importers.tmark import read_tmarkappl, read_tmarkrights

__all__ = [
    "Agent",
    "DateFormatError",
    "GoodsClass",
    "HostileXmlError",
    "ImportItem",
    "MalformedXmlError",
    "MarkColour",
    "MarkForm",
    "MarkKind",
    "MarkStatus",
    "Party",
    "RecordRejection",
    "RecordSource",
    "TrademarkRecord",
    "XmlRefusedError",
    "parse_date",
    "read_gazette",
    "read_tmarkappl",
    "read_tmarkrights",
    "to_roc",
]
