"""TIPO code tables: mark kind, form, colour, and class codes (Nice or the old Taiwanese scheme).

Codes are TIPO's (FIELDS.md); an unknown code is a reason to reject the record, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re

from ip_search.importers.records import MarkColour, MarkForm, MarkKind

# TmarkAppl tmark-class -> (kind, filed as a service mark).
TMARK_CLASS: dict[str, tuple[MarkKind, bool]] = {
    "1": (MarkKind.TRADEMARK, False),
    "2": (MarkKind.TRADEMARK, False),
    "3": (MarkKind.TRADEMARK, False),
    "T": (MarkKind.TRADEMARK, False),
    "4": (MarkKind.TRADEMARK, True),
    "5": (MarkKind.TRADEMARK, True),
    "6": (MarkKind.TRADEMARK, True),
    "S": (MarkKind.TRADEMARK, True),
    "7": (MarkKind.CERTIFICATION_MARK, False),
    "C": (MarkKind.CERTIFICATION_MARK, False),
    "8": (MarkKind.COLLECTIVE_MEMBERSHIP_MARK, False),
    "M": (MarkKind.COLLECTIVE_MEMBERSHIP_MARK, False),
    "G": (MarkKind.COLLECTIVE_TRADEMARK, False),
}
# Gazette Mark_Type.
GAZETTE_MARK_TYPE: dict[str, MarkKind] = {
    "0": MarkKind.TRADEMARK,
    "1": MarkKind.COLLECTIVE_TRADEMARK,
    "2": MarkKind.CERTIFICATION_MARK,
    "3": MarkKind.COLLECTIVE_MEMBERSHIP_MARK,
}
TMARK_TYPE: dict[str, MarkForm] = {
    "1": MarkForm.SOUND,
    "2": MarkForm.THREE_DIMENSIONAL,
    "3": MarkForm.TWO_DIMENSIONAL,
    "4": MarkForm.COLOUR,
    "5": MarkForm.HOLOGRAM,
    "6": MarkForm.MOTION,
    "9": MarkForm.OTHER,
}
TMARK_COLOR: dict[str, MarkColour] = {
    "1": MarkColour.BLACK_AND_WHITE,
    "2": MarkColour.COLOUR,
    "3": MarkColour.RED,
    "4": MarkColour.BLUE,
    "5": MarkColour.BROWN,
    "6": MarkColour.OTHER,
}
# The gazette writes form and colour as words: "(墨色)(平面)".
FORM_WORDS: dict[str, MarkForm] = {
    "聲音": MarkForm.SOUND,
    "立體": MarkForm.THREE_DIMENSIONAL,
    "平面": MarkForm.TWO_DIMENSIONAL,
    "顏色": MarkForm.COLOUR,
    "全像圖": MarkForm.HOLOGRAM,
    "動態": MarkForm.MOTION,
    "其他": MarkForm.OTHER,
}
COLOUR_WORDS: dict[str, MarkColour] = {
    "墨色": MarkColour.BLACK_AND_WHITE,
    "彩色": MarkColour.COLOUR,
    "紅色": MarkColour.RED,
    "藍色": MarkColour.BLUE,
    "咖啡色": MarkColour.BROWN,
}

NICE_ADOPTION = dt.date(1994, 1, 1)
"""Cases filed before this use the old Taiwanese class scheme (FIELDS.md: "pre-1994")."""
_CLASS_CODE = re.compile(r"\d{1,3}")
_GROUP_CODE = re.compile(r"\d{4}")


def nice_class_of(code: str, filed: dt.date | None) -> int | None:
    """The Nice class a class code stands for, or None for an old-scheme code.

    Old codes (032 美髮霜, 393 汽水) are never mapped: 032 in 1951 is not Nice class 32.
    """
    number = int(code)
    if not 1 <= number <= 45 or (filed is not None and filed < NICE_ADOPTION):
        return None
    return number


def normalise_class_code(raw: str) -> str:
    """``5`` / ``05`` / ``005`` -> ``005``; raise ValueError for anything not a class code."""
    if not _CLASS_CODE.fullmatch(raw) or int(raw) == 0:
        raise ValueError(f"invalid class code {raw!r}")
    return f"{int(raw):03d}"


def split_groups(raw: str | None) -> tuple[str, ...]:
    """Similar-group codes of one class entry (TIPO separates several by spaces or commas)."""
    if raw is None:
        return ()
    codes = tuple(p for p in re.split(r"[\s,，、;]+", raw) if p)
    bad = [c for c in codes if not _GROUP_CODE.fullmatch(c)]
    if bad:
        raise ValueError(f"invalid similar-group code(s) {bad}")
    return codes


def design_words(design: str | None) -> tuple[MarkColour | None, MarkForm | None, list[str]]:
    """Parse a gazette Trademark_Design such as ``(彩色)(平面)``: colour, form, unknown words."""
    if design is None:
        return None, None, []
    colour: MarkColour | None = None
    form: MarkForm | None = None
    unknown: list[str] = []
    for word in re.findall(r"[(（]([^)）]+)[)）]", design):
        if word in COLOUR_WORDS:
            colour = COLOUR_WORDS[word]
        elif word in FORM_WORDS:
            form = FORM_WORDS[word]
        else:
            unknown.append(word)
    return colour, form, unknown
