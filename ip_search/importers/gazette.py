"""Reader of the trademark gazette ``RegContent`` XML (商標公報, TrademarkXMLA).

Reads the per-issue ``index.xml`` (root ``RegContentList``) and per-case ``RegContent0_*.xml``
files alike. Gazette conventions differ from TmarkAppl: ROC dates (``110.06.26``), 8-digit
zero-padded registration numbers, form and colour as words (``(墨色)(平面)``), kind as
``Mark_Type`` 0-3, and a full-width blank (U+3000) where a value is missing — such a blank
class entry is skipped, not taken for a class.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from common.safe_xml import XmlSource, iter_checked, text_of
from ip_search.importers.codes import (
    GAZETTE_MARK_TYPE,
    design_words,
    nice_class_of,
    normalise_class_code,
)
from ip_search.importers.fields import FieldReader
from ip_search.importers.records import (
    Agent,
    GoodsClass,
    ImportItem,
    MarkKind,
    MarkStatus,
    Party,
    RecordRejection,
    RecordSource,
    TrademarkRecord,
)

RECORD_TAGS = frozenset({"RegContent"})
ROOTS = frozenset({"RegContentList", "RegContent"})
_CASE_NO = re.compile(r"\d{9}")
_REGISTER_NO = re.compile(r"\d{8}")


def _classes(reader: FieldReader, filed: dt.date | None) -> tuple[GoodsClass, ...]:
    classes: list[GoodsClass] = []
    for position, entry in enumerate(reader.element.iterfind("RegContentClassification"), 1):
        raw = text_of(entry, "Class")
        if raw is None:  # a full-width blank where the class should be: no class, not a guess
            continue
        try:
            code = normalise_class_code(raw)
        except ValueError as error:
            reader.problems.append(f"Class: {error}")
            continue
        classes.append(
            GoodsClass(
                code=code,
                nice_class=nice_class_of(code, filed),
                goods=text_of(entry, "Goods_Denomination") or "",
                sequence=position,
            )
        )
    return tuple(classes)


def _owners(reader: FieldReader) -> tuple[Party, ...]:
    owners: list[Party] = []
    for position, entry in enumerate(reader.element.iterfind("RegContentOwner"), 1):
        owner = Party(
            name_zh=text_of(entry, "AChinese"),
            name_en=text_of(entry, "AEnglish"),
            # Address is the county for Taiwanese owners, the country for foreign ones.
            address=text_of(entry, "Address"),
            sequence=position,
        )
        if not owner.display_name:
            reader.problems.append(f"RegContentOwner {position} has no name")
        owners.append(owner)
    return tuple(owners)


def _agents(reader: FieldReader) -> tuple[Agent, ...]:
    return tuple(
        Agent(name_zh=name, sequence=position)
        for position, entry in enumerate(reader.element.iterfind("RegContentAgent"), 1)
        if (name := text_of(entry, "BChinese")) is not None
    )


def _kind(reader: FieldReader) -> tuple[MarkKind, str | None]:
    code = reader.text("Mark_Type")
    if code is None:
        return MarkKind.TRADEMARK, None
    kind = reader.coded("Mark_Type", GAZETTE_MARK_TYPE)
    return kind or MarkKind.TRADEMARK, code


def _service_mark(reader: FieldReader) -> bool:
    value = (reader.text("ServiceMark") or "false").lower()
    if value not in {"true", "false"}:
        reader.problems.append(f"ServiceMark must be true or false, got {value!r}")
    return value == "true"


def _record(reader: FieldReader) -> TrademarkRecord:
    case_no = reader.text("CaseNo") or ""
    if not _CASE_NO.fullmatch(case_no):
        reader.problems.append(f"CaseNo must be 9 digits, got {case_no!r}")
    register_no = reader.text("RegisterNo")
    if register_no is None or not _REGISTER_NO.fullmatch(register_no):
        reader.problems.append(f"RegisterNo must be 8 digits, got {register_no!r}")
    name = reader.text("Trademark_Name")
    if name is None:
        reader.problems.append("Trademark_Name is empty")
    colour, form, unknown = design_words(reader.text("Trademark_Design"))
    if unknown:
        reader.problems.append(f"Trademark_Design has unknown words {unknown}")
    kind, kind_code = _kind(reader)
    filed = reader.date("Filing_Date")
    start = reader.date("SDate")
    end = reader.date("EDate")
    if start and end and end < start:
        reader.problems.append(f"EDate {end} is before SDate {start}")
    pictures = tuple(
        path
        for entry in reader.element.iterfind("RegContentPicture")
        if (path := text_of(entry, "Path") or text_of(entry, "FileName")) is not None
    )
    return TrademarkRecord(
        source=RecordSource.GAZETTE,
        application_no=case_no,
        registration_no=register_no,
        name=name or "",
        kind=kind,
        kind_code=kind_code,
        former_service_mark=_service_mark(reader),
        status=MarkStatus.REGISTERED,
        form=form,
        colour=colour,
        description=reader.text("Word_Description"),
        classes=_classes(reader, filed),
        owners=_owners(reader),
        agents=_agents(reader),
        filing_date=filed,
        priority_date=reader.date("Priority_Date"),
        registration_date=start,
        term_start=start,
        term_end=end,
        examiner=reader.text("Censor"),
        memo=reader.text("Memo"),
        image_urls=pictures,
        audio_url=reader.text("Wavpath"),
    )


def read_gazette(source: XmlSource) -> Iterator[ImportItem]:
    """Records (or rejections) of a gazette index or per-case RegContent file, in file order."""
    for position, element in enumerate(iter_checked(source, RECORD_TAGS, ROOTS), 1):
        reader = FieldReader(element)
        record = _record(reader)
        if reader.problems:
            yield RecordRejection(
                source=RecordSource.GAZETTE,
                position=position,
                application_no=record.application_no or None,
                reasons=tuple(reader.problems),
            )
        else:
            yield record
