"""The noise real declarations carry, each a small seeded transformation of a clean value."""

from __future__ import annotations

import random
import string

__all__ = [
    "LETTERS",
    "ccc_tail_variant",
    "cert_format_variant",
    "cert_typo",
    "description_typo",
    "english_only",
    "model_confusable",
    "model_format_variant",
    "model_typo",
    "spacing_variant",
    "unit_spelling",
]

# Generated model letters avoid O and I, which filers confuse with 0 and 1.
LETTERS = "".join(c for c in string.ascii_uppercase if c not in "OI")
_SIMILAR_HANZI = {
    "機": "机", "床": "庄", "測": "側", "儀": "義", "製": "制", "劑": "濟", "樹": "樸",
    "銅": "桐", "線": "綫", "爐": "炉", "絲": "丝", "臂": "劈", "體": "体", "電": "雷",
    "鋼": "綱", "量": "重", "光": "先", "顯": "濕", "真": "直", "動": "働",
}  # fmt: skip
_UNIT_SPELLINGS = {
    "PCE": ("PCS", "PC", "EA", "pcs", "個"),
    "UNT": ("UNIT", "台", "unt"),
    "SET": ("SETS", "組", "set", "套"),
    "KGM": ("KGS", "KG", "kg", "公斤"),
}
_CONFUSABLE = {"0": "O", "1": "I"}


def spacing_variant(rng: random.Random, text: str) -> str:
    """Spacing, width and case noise: what copy-typing from invoices produces."""
    choice = rng.randrange(5)
    if choice == 0:
        return text.replace(" ", "", 1)
    if choice == 1:
        return text.replace(" ", "  ")
    if choice == 2:
        return text.lower()
    if choice == 3:
        return text.replace(" ", "\u3000")  # full-width space from a Chinese IME
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def description_typo(rng: random.Random, text: str) -> str:
    """One typo: a look-alike hanzi, or a Latin letter dropped, doubled or swapped."""
    hanzi = [i for i, c in enumerate(text) if c in _SIMILAR_HANZI]
    latin = [i for i, c in enumerate(text) if c.isascii() and c.isalpha()]
    if hanzi and (not latin or rng.random() < 0.4):
        i = rng.choice(hanzi)
        return text[:i] + _SIMILAR_HANZI[text[i]] + text[i + 1 :]
    if not latin:
        return text
    i = rng.choice(latin[:-1] or latin)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1 : i + 2] + text[i] + text[i + 2 :]


def english_only(text: str) -> str:
    """Many declarations give only the English description."""
    return " ".join(word for word in text.split() if word.isascii())


def model_format_variant(rng: random.Random, model: str) -> str:
    """The same model written another way: case, hyphens, slashes, spaces."""
    choice = rng.randrange(5)
    if choice == 0:
        return model.lower()
    if choice == 1:
        return model.replace("-", "").replace(" ", "")
    if choice == 2:
        return model.replace("-", " ").replace(" ", "-") if " " in model else model + " "
    if choice == 3:
        return model.replace("-", "/")
    return " ".join(model.replace("-", " - ").split())


def model_confusable(rng: random.Random, model: str) -> str | None:
    """A 0 typed as O or a 1 as I, or None when the model has neither."""
    spots = [i for i, c in enumerate(model) if c in _CONFUSABLE]
    if not spots:
        return None
    i = rng.choice(spots)
    return model[:i] + _CONFUSABLE[model[i]] + model[i + 1 :]


def model_typo(rng: random.Random, model: str) -> str:
    """A real typo in a model number: one digit replaced."""
    spots = [i for i, c in enumerate(model) if c.isdigit()]
    if not spots:
        return model + rng.choice(LETTERS)
    i = rng.choice(spots)
    digit = rng.choice([d for d in string.digits if d != model[i]])
    return model[:i] + digit + model[i + 1 :]


def cert_format_variant(rng: random.Random, number: str) -> str:
    """``113A004521`` written as ``113-A-004521``, ``113 A 004521`` or in lower case."""
    year, letter, serial = number[:3], number[3], number[4:]
    return rng.choice(
        (
            f"{year}-{letter}-{serial}",
            f"{year} {letter} {serial}",
            number.lower(),
            f"{year}{letter}-{serial}",
        )
    )


def cert_typo(rng: random.Random, number: str) -> str:
    """One digit of the serial mistyped or two adjacent digits transposed."""
    i = rng.randrange(5, len(number) - 1)
    if rng.random() < 0.5 and number[i] != number[i + 1]:
        return number[:i] + number[i + 1] + number[i] + number[i + 2 :]
    digit = rng.choice([d for d in string.digits if d != number[i]])
    return number[:i] + digit + number[i + 1 :]


def unit_spelling(rng: random.Random, unit: str) -> str:
    """Another spelling of the same customs unit, when filers use one."""
    spellings = _UNIT_SPELLINGS.get(unit)
    return rng.choice(spellings) if spellings else unit


def ccc_tail_variant(rng: random.Random, code: str, keep: int) -> str:
    """The code with digits after ``keep`` changed (a declared 11th or 9th-10th digit differs)."""
    tail = "".join(rng.choice(string.digits) for _ in range(11 - keep))
    while code[:keep] + tail == code:
        tail = "".join(rng.choice(string.digits) for _ in range(11 - keep))
    return code[:keep] + tail
