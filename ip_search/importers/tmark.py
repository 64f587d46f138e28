"""Readers of TIPO ``TmarkAppl`` (applications) and ``TmarkRights`` (registered rights) XML.

Both come as the API returns them (``<API>…<tmarkappl><tmarkcontent>…``) or as bulk per-case
files (root ``tmarkappl``). Every record is checked on its own: a bad one becomes a
``RecordRejection`` with all its reasons and the file goes on; a hostile or malformed file is
refused as a whole (common.safe_xml).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace

from common.safe_xml import XmlSource, iter_checked, text_of
from ip_search.importers.codes import (
    TMARK_CLASS,
    TMARK_COLOR,
    TMARK_TYPE,
    nice_class_of,
    normalise_class_code,
    split_groups,
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

RECORD_TAGS = frozenset({"tmarkcontent"})
APPL_ROOTS = frozenset({"API", "tmarkappl"})
RIGHTS_ROOTS = frozenset({"API", "tmarkrights", "tmarkappl"})
_APPL_NO = re.compile(r"\d{9}")
_REG_NO = re.compile(r"\d{1,8}")
_IMAGE_TAGS = tuple(f"image-data-{i}" for i in range(1, 7))


def _application_no(reader: FieldReader) -> str:
    value = reader.text("appl-no") or ""
    if not _APPL_NO.fullmatch(value):
        reader.problems.append(f"appl-no must be 9 digits, got {value!r}")
    return value


def _kind(reader: FieldReader) -> tuple[MarkKind, bool, str | None]:
    code = reader.text("tmark-class")
    if code is None:
        reader.problems.append("tmark-class is missing")
        return MarkKind.TRADEMARK, False, None
    if code.upper() not in TMARK_CLASS:
        reader.problems.append(f"unknown tmark-class {code!r}")
        return MarkKind.TRADEMARK, False, code
    kind, service = TMARK_CLASS[code.upper()]
    return kind, service, code


def _classes(reader: FieldReader, filed: dt.date | None) -> tuple[GoodsClass, ...]:
    classes: list[GoodsClass] = []
    for entry in reader.element.iterfind("goodsclasses/goodsclass"):
        raw = text_of(entry, "goodsclass-code")
        if raw is None:
            reader.problems.append("a goodsclass has no goodsclass-code")
            continue
        try:
            code = normalise_class_code(raw)
            groups = split_groups(text_of(entry, "goods-group"))
        except ValueError as error:
            reader.problems.append(f"goodsclass {raw}: {error}")
            continue
        classes.append(
            GoodsClass(
                code=code,
                nice_class=nice_class_of(code, filed),
                goods=text_of(entry, "goods-name") or "",
                groups=groups,
                sequence=reader.sequence(entry),
            )
        )
    return tuple(classes)


def _parties(reader: FieldReader, path: str) -> tuple[Party, ...]:
    parties: list[Party] = []
    for entry in reader.element.iterfind(path):
        party = Party(
            name_zh=text_of(entry, "chinese-name"),
            name_en=text_of(entry, "english-name"),
            name_ja=text_of(entry, "japanese-name"),
            address=text_of(entry, "address"),
            country_code=text_of(entry, "country-code"),
            country_name_zh=text_of(entry, "chinese-country-name"),
            sequence=reader.sequence(entry),
        )
        if not party.display_name:
            reader.problems.append(f"{entry.tag} {party.sequence or ''} has no name".strip())
        parties.append(party)
    return tuple(parties)


def _agents(reader: FieldReader) -> tuple[Agent, ...]:
    agents: list[Agent] = []
    for entry in reader.element.iterfind("parties/agents/agent"):
        name = text_of(entry, "chinese-name")
        if name is None:
            reader.problems.append("an agent has no chinese-name")
            continue
        agents.append(
            Agent(name_zh=name, address=text_of(entry, "address"), sequence=reader.sequence(entry))
        )
    return tuple(agents)


def _images(reader: FieldReader) -> tuple[str, ...]:
    return tuple(
        url for tag in _IMAGE_TAGS if (url := reader.text(f"tmark-image-url/{tag}")) is not None
    )


def _mark(reader: FieldReader, source: RecordSource) -> TrademarkRecord:
    """The fields TmarkAppl and TmarkRights share; rights-only fields are added by the caller."""
    application_no = _application_no(reader)
    name = reader.text("tmark-name")
    if name is None:
        reader.problems.append("tmark-name is empty")
    kind, service, kind_code = _kind(reader)
    filed = reader.date("appl-date")
    return TrademarkRecord(
        source=source,
        application_no=application_no,
        name=name or "",
        kind=kind,
        status=MarkStatus.FILED,
        words_zh=reader.text("tmark-draft-c"),
        words_en=reader.text("tmark-draft-e"),
        words_ja=reader.text("tmark-draft-j"),
        kind_code=kind_code,
        former_service_mark=service,
        form=reader.coded("tmark-type", TMARK_TYPE),
        colour=reader.coded("tmark-color", TMARK_COLOR),
        sign=reader.text("tmark-sign"),
        description=reader.text("word-description"),
        classes=_classes(reader, filed),
        applicants=_parties(reader, "parties/applicants/applicant"),
        agents=_agents(reader),
        filing_date=filed,
        received_date=reader.date("receive-date"),
        image_urls=_images(reader),
        audio_url=reader.text("tmark-image-url/audio-filename"),
    )


def _result(
    reader: FieldReader, record: TrademarkRecord, position: int
) -> TrademarkRecord | RecordRejection:
    if reader.problems:
        return RecordRejection(
            source=record.source,
            position=position,
            application_no=record.application_no or None,
            reasons=tuple(reader.problems),
        )
    return record


def read_tmarkappl(source: XmlSource) -> Iterator[ImportItem]:
    """Records (or rejections) of a TmarkAppl API response or bulk file, in file order."""
    for position, element in enumerate(iter_checked(source, RECORD_TAGS, APPL_ROOTS), 1):
        reader = FieldReader(element)
        yield _result(reader, _mark(reader, RecordSource.TMARK_APPL), position)


def _registration_no(reader: FieldReader) -> str | None:
    value = reader.text("exam-no")
    if value is None:
        reader.problems.append("exam-no (registration number) is missing")
        return None
    if not _REG_NO.fullmatch(value):
        reader.problems.append(f"exam-no must be up to 8 digits, got {value!r}")
        return None
    return value.zfill(8)


def _rights(reader: FieldReader, as_of: dt.date | None) -> TrademarkRecord:
    mark = _mark(reader, RecordSource.TMARK_RIGHTS)
    registration_no = _registration_no(reader)
    term_end = reader.date("deadline")
    lapse_reason = reader.text("del-reason")
    expired = as_of is not None and term_end is not None and term_end < as_of
    lapsed = lapse_reason is not None or expired
    volumes = [v for v in (reader.text("vol-no1"), reader.text("vol-no2")) if v]
    flags = tuple(
        (child.tag, value)
        for child in reader.element
        if child.tag.endswith("-status") and (value := (child.text or "").strip())
    )
    registered = reader.date("reg-date")
    return replace(
        mark,
        status=MarkStatus.LAPSED if lapsed else MarkStatus.REGISTERED,
        registration_no=registration_no,
        owners=_parties(reader, "parties/holders/holder"),
        registration_date=registered,
        publication_date=reader.date("reg-notice-date"),
        term_start=registered,
        term_end=term_end,
        gazette_volume="/".join(volumes) or None,
        examiner=reader.text("processor-name"),
        lapse_reason=lapse_reason,
        status_flags=flags,
    )


def read_tmarkrights(source: XmlSource, *, as_of: dt.date | None = None) -> Iterator[ImportItem]:
    """Records (or rejections) of a TmarkRights response or file, in file order.

    ``as_of`` marks rights whose term ended before it as lapsed; without it only a recorded
    lapse reason (del-reason) does, so the result does not depend on the day it runs.
    """
    for position, element in enumerate(iter_checked(source, RECORD_TAGS, RIGHTS_ROOTS), 1):
        reader = FieldReader(element)
        yield _result(reader, _rights(reader, as_of), position)
