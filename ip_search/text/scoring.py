"""Similarity of a mark to a query, explained dimension by dimension.

Dimensions follow what examiners compare (DOMAIN.md §1):

* ``words``       — same or similar wording: string similarity of the folded, generic-free text;
* ``distinctive`` — share of the query's distinctive words found in the mark;
* ``sound``       — similar sound: toneless pinyin syllables, metaphone across scripts;
* ``glyph``       — the same characters in any order, after width/case/script folding, with the
  variants that were folded named as evidence (華碩 ≡ 华硕);
* ``classes``     — shared similar-group codes (類似組群) or, weaker, shared Nice classes.

A dimension that does not apply (no classes asked for, no sound key on one side) is reported but
carries no weight, so the total is the weighted mean over the dimensions that apply, in [0, 1].
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz

from ip_search.text.keys import MarkKeys
from ip_search.text.normalize import FOLD_STEPS, fold_steps


class Dimension(StrEnum):
    WORDS = "words"
    DISTINCTIVE = "distinctive"
    SOUND = "sound"
    GLYPH = "glyph"
    CLASSES = "classes"


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative weight of each dimension (any scale, only ratios matter) and thresholds."""

    words: float = 0.30
    distinctive: float = 0.15
    sound: float = 0.30
    glyph: float = 0.10
    classes: float = 0.15
    matched_at: float = 0.5
    """A dimension is reported as matched when its similarity reaches this value."""
    containment: float = 0.85
    """Words similarity granted when the query (2+ characters) is contained in the mark."""
    same_class: float = 0.6
    """Classes similarity of a shared Nice class without a shared similar group."""

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{field.name} must be within [0, 1], got {value}")

    def of(self, dimension: Dimension) -> float:
        return float(getattr(self, dimension.value))


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class DimensionScore:
    """How one dimension contributed to a score."""

    dimension: Dimension
    matched: bool
    similarity: float
    weight: float
    """Weight actually applied: 0 when the dimension does not apply."""
    contribution: float
    """``similarity * weight / total applied weight``: the contributions add up to the total."""
    evidence: str


@dataclass(frozen=True, slots=True)
class Score:
    total: float
    breakdown: tuple[DimensionScore, ...]

    def dimension(self, dimension: Dimension) -> DimensionScore:
        return next(d for d in self.breakdown if d.dimension is dimension)


class _Raw(NamedTuple):
    # A tuple, not a frozen dataclass: five are made per score, hundreds of scores per search.
    similarity: float
    applies: bool
    evidence: str


_DIMENSIONS = tuple(Dimension)


@lru_cache(maxsize=16)
def _dimension_weights(weights: Weights) -> tuple[float, ...]:
    """``weights.of`` of every dimension, in ``Dimension`` order."""
    return tuple(weights.of(dimension) for dimension in _DIMENSIONS)


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100.0 if a and b else 0.0


def _words(query: MarkKeys, mark: MarkKeys, weights: Weights) -> _Raw:
    best, evidence = 0.0, "no similar wording"
    for q_form, q_compact in zip(query.forms, query.compacts, strict=True):
        for m_form, m_compact in zip(mark.forms, mark.compacts, strict=True):
            sim = max(_ratio(q_compact, m_compact), fuzz.token_set_ratio(q_form, m_form) / 100.0)
            how = f"'{q_form}' ~ '{m_form}'"
            if q_compact == m_compact and q_compact:
                sim, how = 1.0, f"same wording '{m_form}'"
            elif len(q_compact) >= 2 and q_compact in m_compact and sim < weights.containment:
                sim, how = weights.containment, f"'{q_form}' contained in '{m_form}'"
            if sim > best:
                best, evidence = sim, how
    return _Raw(best, bool(query.compacts[0]), evidence)


def _distinctive(query: MarkKeys, mark: MarkKeys) -> _Raw:
    if not query.distinctive:
        return _Raw(0.0, False, "query has no distinctive word")
    found: list[str] = []
    total = 0.0
    for word in query.distinctive:
        if word in mark.distinctive:
            total += 1.0
            found.append(word)
        elif len(word) >= 2 and any(word in m for m in mark.distinctive):
            total += 0.75
            found.append(f"{word}⊂")
    similarity = total / len(query.distinctive)
    joined = "".join(query.distinctive)
    if similarity < 1.0 and len(query.distinctive) > 1 and joined in mark.distinctive:
        # MAGNA BEAUTY vs MAGNABEAUTY: the same words, written together.
        similarity, found = 1.0, [f"{' '.join(query.distinctive)} = {joined}"]
    evidence = f"shared: {', '.join(found)}" if found else "no shared distinctive word"
    return _Raw(similarity, True, evidence)


def _sound(query: MarkKeys, mark: MarkKeys) -> _Raw:
    best, evidence = 0.0, "no similar sound"
    applies = False
    for q_plain, q_toned, q_key in zip(
        query.pinyin_plain, query.pinyin_toned, query.phonetic, strict=True
    ):
        q_syllables = q_plain.split()
        for m_plain, m_toned, m_key in zip(
            mark.pinyin_plain, mark.pinyin_toned, mark.phonetic, strict=True
        ):
            if q_plain and m_plain:
                applies = True
                # Syllables compared as units: kang/shi/fu vs kang/shuai/fu is 2 of 3 alike.
                sim = fuzz.ratio(q_syllables, m_plain.split()) / 100.0
                if q_plain in m_plain and sim < 0.85:
                    sim = 0.85
                if sim > best:
                    tones = "same tones" if q_toned == m_toned else "tones differ"
                    best, evidence = sim, f"pinyin '{q_plain}' ~ '{m_plain}' ({tones})"
            if q_key and m_key:
                applies = True
                # Metaphone keys are coarse: a perfect match weighs less than matching pinyin.
                sim = 0.9 * _ratio(q_key, m_key)
                if sim > best:
                    best, evidence = sim, f"phonetic key {q_key} ~ {m_key}"
    return _Raw(best, applies, evidence)


def _glyph(query: MarkKeys, mark: MarkKeys) -> _Raw:
    if not any(query.compacts) or not any(mark.compacts):
        return _Raw(0.0, False, "no characters to compare")
    best: tuple[float, set[str]] = (0.0, set())
    mark_chars = [set(m_compact) for m_compact in mark.compacts]
    for q_compact in query.compacts:
        q_chars = set(q_compact)
        for m_chars in mark_chars:
            if q_chars and m_chars:
                shared = q_chars & m_chars
                similarity = len(shared) / len(q_chars | m_chars)
                if similarity > best[0]:
                    best = (similarity, shared)
    similarity, shared = best
    if not shared:
        return _Raw(0.0, True, "no shared characters")
    if set(query.compacts) & set(mark.compacts):
        how = _equal_after(query.texts[0], mark.texts[0])
    else:
        how = f"{len(shared)} shared characters: {''.join(sorted(shared))[:20]}"
    return _Raw(similarity, True, how)


def _equal_after(query_text: str, mark_text: str) -> str:
    """Name the folding steps that made the two texts read the same."""
    if query_text == mark_text:
        return f"identical text '{mark_text}'"
    applied: list[str] = []
    previous = (query_text, mark_text)
    for step, q, m in zip(FOLD_STEPS, fold_steps(query_text), fold_steps(mark_text), strict=True):
        if (q, m) != previous:
            applied.append(step)
            previous = (q, m)
        if q == m:
            break
    else:
        applied.append("spacing" if q.replace(" ", "") == m.replace(" ", "") else "generic words")
    return f"'{query_text}' ≡ '{mark_text}' after folding {', '.join(applied)}"


def _classes(
    query_classes: Collection[int],
    query_groups: Collection[str],
    mark_classes: Collection[int],
    mark_groups: Collection[str],
    weights: Weights,
) -> _Raw:
    if not query_classes and not query_groups:
        return _Raw(0.0, False, "no classes or groups asked for")
    groups = sorted(set(query_groups) & set(mark_groups))
    if groups:
        return _Raw(1.0, True, f"shared similar groups {', '.join(groups)}")
    classes = sorted(set(query_classes) & set(mark_classes))
    if classes:
        return _Raw(weights.same_class, True, f"shared Nice classes {classes}")
    return _Raw(0.0, True, "no shared class or group")


def score(
    query: MarkKeys,
    mark: MarkKeys,
    *,
    query_classes: Collection[int] = (),
    query_groups: Collection[str] = (),
    mark_classes: Collection[int] = (),
    mark_groups: Collection[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> Score:
    """Score ``mark`` against ``query`` and explain each dimension's share of the total."""
    raw = (  # in Dimension order
        _words(query, mark, weights),
        _distinctive(query, mark),
        _sound(query, mark),
        _glyph(query, mark),
        _classes(query_classes, query_groups, mark_classes, mark_groups, weights),
    )
    weighted = zip(_dimension_weights(weights), raw, strict=True)
    applied = [w if r.applies else 0.0 for w, r in weighted]
    denominator = sum(applied)
    breakdown = tuple(
        DimensionScore(
            dimension=d,
            matched=r.applies and r.similarity >= weights.matched_at,
            similarity=r.similarity,
            weight=w,
            contribution=(r.similarity * w / denominator) if denominator else 0.0,
            evidence=r.evidence,
        )
        for d, r, w in zip(_DIMENSIONS, raw, applied, strict=True)
    )
    return Score(total=sum(d.contribution for d in breakdown), breakdown=breakdown)
