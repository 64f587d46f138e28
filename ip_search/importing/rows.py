"""A ``TrademarkRecord`` as the rows of the register tables (pure: no I/O).

Tuples are in the column order of ``COLUMNS`` so the loader can COPY them as they are. The
mark's matching keys (``ip_search.text.mark_keys``) are computed here once, at import, and
stored twice: as index rows (``mark_text``/``mark_gram``/``mark_sound``) for candidate
generation, and as JSON in ``trademark.match_keys`` so search re-ranks without recomputing them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from ip_search.importers import Party, TrademarkRecord
from ip_search.text import MarkKeys, fold, mark_keys

Row = tuple[Any, ...]

COLUMNS: dict[str, tuple[str, ...]] = {
    "trademark": (
        "application_no",
        "registration_no",
        "name",
        "words_zh",
        "words_en",
        "words_ja",
        "kind",
        "kind_code",
        "former_service_mark",
        "form",
        "colour",
        "sign",
        "description",
        "status",
        "nice_classes",
        "class_codes",
        "groups",
        "vienna_codes",
        "applicant_summary",
        "applicant_key",
        "filing_date",
        "received_date",
        "priority_date",
        "registration_date",
        "publication_date",
        "term_start",
        "term_end",
        "gazette_volume",
        "examiner",
        "lapse_reason",
        "memo",
        "image_urls",
        "audio_url",
        "status_flags",
        "source",
        "match_keys",
        "import_run_id",
    ),
    "trademark_class": (
        "application_no",
        "position",
        "code",
        "nice_class",
        "old_code",
        "goods",
        "groups",
    ),
    "trademark_party": (
        "application_no",
        "role",
        "position",
        "name_zh",
        "name_en",
        "name_ja",
        "address",
        "country_code",
        "country_name_zh",
    ),
    "trademark_agent": ("application_no", "position", "name_zh", "address"),
    "mark_text": ("application_no", "position", "compact", "form", "nice_classes"),
    "mark_gram": ("gram", "application_no", "nice_classes", "mark_length"),
    "mark_sound": ("key", "application_no", "nice_classes", "mark_length"),
}
CHILD_TABLES = ("trademark_class", "trademark_party", "trademark_agent", "mark_text")
KEY_TABLES = ("mark_gram", "mark_sound")


@dataclass(slots=True)
class MarkRows:
    """Every row one mark (or a batch of marks) becomes, by table name."""

    tables: dict[str, list[Row]] = dataclasses.field(
        default_factory=lambda: {name: [] for name in COLUMNS}
    )

    def extend(self, other: MarkRows) -> None:
        for name, rows in other.tables.items():
            self.tables[name].extend(rows)


def record_keys(record: TrademarkRecord) -> MarkKeys:
    words = (w for w in (record.words_zh, record.words_en, record.words_ja) if w)
    return mark_keys(record.name, *words)


def keys_json(keys: MarkKeys) -> str:
    # Field by field: dataclasses.asdict deep-copies every tuple and costs more than the JSON.
    return orjson.dumps({name: getattr(keys, name) for name in MarkKeys.__slots__}).decode()


def keys_from_doc(doc: Mapping[str, Sequence[str]]) -> MarkKeys:
    """``MarkKeys`` from its stored JSON document (see ``keys_json``)."""
    return MarkKeys(**{name: tuple(doc[name]) for name in MarkKeys.__slots__})


def sound_keys(keys: MarkKeys) -> list[str]:
    """Sound index keys: ``p:`` toneless pinyin, ``s:`` syllable grams, ``m:`` metaphone."""
    found = [f"p:{plain.replace(' ', '')}" for plain in keys.pinyin_plain if plain]
    found += [f"s:{gram}" for gram in keys.sound_grams]
    found += [f"m:{key}" for key in keys.phonetic if key]
    return list(dict.fromkeys(found))


def gram_keys(keys: MarkKeys) -> list[str]:
    """CJK characters and bigrams (1–2 character queries cannot use trigrams), Latin words."""
    return list(dict.fromkeys((*keys.cjk_unigrams, *keys.cjk_bigrams, *latin_words(keys))))


def mark_length(keys: MarkKeys) -> int:
    """Characters of the mark's shortest text: orders a key's postings, shortest mark first."""
    return min((len(compact) for compact in keys.compacts if compact), default=0)


def latin_words(keys: MarkKeys) -> list[str]:
    """Distinctive Latin words of two letters or more, and the words written together."""
    words = [w for w in keys.distinctive if w.isascii() and len(w) >= 2]
    return [*words, *(c for c in keys.compacts if c.isascii() and c not in words)]


def _applicants(record: TrademarkRecord) -> tuple[Party, ...]:
    return record.applicants or record.owners


def _mark_row(record: TrademarkRecord, keys: MarkKeys, run_id: int | None) -> Row:
    parties = _applicants(record)
    names = [n for p in parties for n in (p.name_zh, p.name_en, p.name_ja) if n]
    return (
        record.application_no,
        record.registration_no,
        record.name,
        record.words_zh,
        record.words_en,
        record.words_ja,
        record.kind.value,
        record.kind_code,
        record.former_service_mark,
        record.form.value if record.form else None,
        record.colour.value if record.colour else None,
        record.sign,
        record.description,
        record.status.value,
        list(record.nice_classes),
        list(dict.fromkeys(c.code for c in record.classes)),
        list(record.groups),
        list(record.vienna_codes),
        "; ".join(p.display_name for p in parties) or None,
        fold(" | ".join(names)) or None,
        record.filing_date,
        record.received_date,
        record.priority_date,
        record.registration_date,
        record.publication_date,
        record.term_start,
        record.term_end,
        record.gazette_volume,
        record.examiner,
        record.lapse_reason,
        record.memo,
        list(record.image_urls),
        record.audio_url,
        orjson.dumps(dict(record.status_flags)).decode(),
        record.source.value,
        keys_json(keys),
        run_id,
    )


def _party_rows(number: str, role: str, parties: tuple[Party, ...]) -> list[Row]:
    return [
        (
            number,
            role,
            position,
            p.name_zh,
            p.name_en,
            p.name_ja,
            p.address,
            p.country_code,
            p.country_name_zh,
        )
        for position, p in enumerate(parties, 1)
    ]


def record_rows(record: TrademarkRecord, run_id: int | None = None) -> MarkRows:
    """All rows of one mark: classes, parties and agents numbered from 1 in feed order."""
    keys = record_keys(record)
    number = record.application_no
    rows = MarkRows()
    tables = rows.tables
    tables["trademark"].append(_mark_row(record, keys, run_id))
    tables["trademark_class"] = [
        (number, position, c.code, c.nice_class, c.nice_class is None, c.goods, list(c.groups))
        for position, c in enumerate(record.classes, 1)
    ]
    tables["trademark_party"] = _party_rows(number, "applicant", record.applicants)
    tables["trademark_party"] += _party_rows(number, "owner", record.owners)
    tables["trademark_agent"] = [
        (number, position, a.name_zh, a.address) for position, a in enumerate(record.agents, 1)
    ]
    # Texts and postings carry the classes (postings the length too), so a class-filtered
    # search reads their indexes alone.
    classes = list(record.nice_classes)
    tables["mark_text"] = [
        (number, position, compact, form, classes)
        for position, (form, compact) in enumerate(zip(keys.forms, keys.compacts, strict=True))
        if compact
    ]
    posting = (classes, mark_length(keys))
    tables["mark_gram"] = [(gram, number, *posting) for gram in gram_keys(keys)]
    tables["mark_sound"] = [(key, number, *posting) for key in sound_keys(keys)]
    return rows
