"""Typed, immutable records of the trademark register, as every importer and generator emits.

Field names are the register's meaning in English; the TIPO element each comes from is noted
(FIELDS.md). Codes TIPO uses are kept beside their meaning so nothing is lost on import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class RecordSource(StrEnum):
    """Which TIPO feed a record came from (or the synthetic generator)."""

    TMARK_APPL = "tmarkappl"
    TMARK_RIGHTS = "tmarkrights"
    GAZETTE = "gazette"
    SYNTHETIC = "synthetic"


class MarkKind(StrEnum):
    """商標種類 (TmarkAppl tmark-class; gazette Mark_Type)."""

    TRADEMARK = "trademark"
    """商標 (including former service marks, 原服務標章)."""
    COLLECTIVE_TRADEMARK = "collective_trademark"
    """團體商標."""
    COLLECTIVE_MEMBERSHIP_MARK = "collective_membership_mark"
    """團體標章."""
    CERTIFICATION_MARK = "certification_mark"
    """證明標章."""


class MarkForm(StrEnum):
    """商標樣態 (tmark-type): how the mark is perceived."""

    SOUND = "sound"
    THREE_DIMENSIONAL = "3d"
    TWO_DIMENSIONAL = "2d"
    COLOUR = "colour"
    HOLOGRAM = "hologram"
    MOTION = "motion"
    OTHER = "other"


class MarkColour(StrEnum):
    """圖樣顏色 (tmark-color)."""

    BLACK_AND_WHITE = "black_and_white"
    """墨色."""
    COLOUR = "colour"
    """彩色."""
    RED = "red"
    BLUE = "blue"
    BROWN = "brown"
    """咖啡色."""
    OTHER = "other"


class MarkStatus(StrEnum):
    """Where the mark stands in the register (審定 / 註冊 / 消滅)."""

    FILED = "filed"
    """An application record; the feed does not say how it ended (TmarkAppl)."""
    REGISTERED = "registered"
    LAPSED = "lapsed"
    """消滅: expired, cancelled, invalidated or withdrawn."""


@dataclass(frozen=True, slots=True)
class GoodsClass:
    """One class of goods/services the mark covers (goodsclass / RegContentClassification)."""

    code: str
    """The class code exactly as filed, 3 digits (``005``; pre-1994 cases: ``393``)."""
    nice_class: int | None
    """Nice class 1-45, or None for an old Taiwanese class code that is not Nice."""
    goods: str = ""
    """商品或服務名稱, as one text."""
    groups: tuple[str, ...] = ()
    """類似組群 codes, 4 digits each (``0501``)."""
    sequence: int | None = None


@dataclass(frozen=True, slots=True)
class Party:
    """An applicant (申請人) or owner (商標權人)."""

    name_zh: str | None = None
    name_en: str | None = None
    name_ja: str | None = None
    address: str | None = None
    country_code: str | None = None
    country_name_zh: str | None = None
    sequence: int | None = None

    @property
    def display_name(self) -> str:
        return self.name_zh or self.name_en or self.name_ja or ""


@dataclass(frozen=True, slots=True)
class Agent:
    """代理人."""

    name_zh: str
    address: str | None = None
    sequence: int | None = None


@dataclass(frozen=True, slots=True)
class TrademarkRecord:
    """One mark of the register with every field the TIPO feeds carry."""

    source: RecordSource
    application_no: str
    """申請案號, 9 digits."""
    name: str
    """商標名稱 (e.g. 高強及圖)."""
    kind: MarkKind
    status: MarkStatus
    registration_no: str | None = None
    """註冊號, 8 digits zero-padded."""
    words_zh: str | None = None
    """圖樣中文: the Chinese words shown in the mark."""
    words_en: str | None = None
    words_ja: str | None = None
    kind_code: str | None = None
    """TIPO's own kind code (tmark-class 1..8/T/S/C/M/G, gazette Mark_Type 0..3)."""
    former_service_mark: bool = False
    """Filed as a service mark (服務標章) before service marks became trademarks."""
    form: MarkForm | None = None
    colour: MarkColour | None = None
    sign: str | None = None
    """圖樣記號."""
    description: str | None = None
    """說明文字內容."""
    classes: tuple[GoodsClass, ...] = ()
    vienna_codes: tuple[str, ...] = ()
    """No TIPO feed read so far carries them; kept for feeds and generators that do."""
    applicants: tuple[Party, ...] = ()
    owners: tuple[Party, ...] = ()
    agents: tuple[Agent, ...] = ()
    filing_date: dt.date | None = None
    received_date: dt.date | None = None
    priority_date: dt.date | None = None
    registration_date: dt.date | None = None
    publication_date: dt.date | None = None
    """Date of the registration notice in the gazette."""
    term_start: dt.date | None = None
    term_end: dt.date | None = None
    """專用期限: last day of the current term."""
    gazette_volume: str | None = None
    examiner: str | None = None
    lapse_reason: str | None = None
    memo: str | None = None
    image_urls: tuple[str, ...] = ()
    audio_url: str | None = None
    status_flags: tuple[tuple[str, str], ...] = field(default=())
    """TmarkRights procedure flags as (element, value), e.g. ("opposition-status", "Y")."""

    @property
    def nice_classes(self) -> tuple[int, ...]:
        """Distinct Nice classes, in order of first appearance (old codes left out)."""
        return tuple(dict.fromkeys(c.nice_class for c in self.classes if c.nice_class))

    @property
    def groups(self) -> tuple[str, ...]:
        """Distinct similar-group codes over all classes."""
        return tuple(dict.fromkeys(g for c in self.classes for g in c.groups))


@dataclass(frozen=True, slots=True)
class RecordRejection:
    """A record an importer refused, with every reason found (the file goes on)."""

    source: RecordSource
    position: int
    """1-based position of the record in its file."""
    application_no: str | None
    reasons: tuple[str, ...]


ImportItem = TrademarkRecord | RecordRejection
