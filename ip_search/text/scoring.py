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
A homophone of the whole mark (康詩富 for 康師傅: both wholly Chinese, read alike) is confusing
by ear whatever characters it shares, so its sound weighs ``same_sound`` instead of ``sound``:
it outranks marks that share only some characters (健康師), which score on words, sound and
glyph at once, all from the same shared characters.

Two entry points share one computation: ``total`` gives the number alone, cheaply, to rank every
candidate of a search; ``explain`` (and ``score``) adds each dimension's evidence, for the page
returned. Both run the same code, so their totals are equal to the last bit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import lru_cache
from typing import Final, NamedTuple

import orjson
from rapidfuzz import fuzz

from ip_search.text.keys import MarkKeys
from ip_search.text.normalize import FOLD_STEPS, fold_steps
from ip_search.text.packed_keys import unpack_keys


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
    same_sound: float = 1.0
    """Weight of sound, in place of ``sound``, for a homophone of the whole mark: query and mark
    text each wholly in Chinese characters with the same toneless pinyin. At 1.0 a homophone
    sharing one character of three (康詩富 / 康師傅) outranks a mark sharing two (健康師, 師傅)."""
    tones_differ: float = 0.95
    """Sound similarity of a homophone of the whole mark whose tones differ (same tones: 1)."""
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
PHONETIC_SHARE = 0.9
"""Metaphone keys are coarse: a perfect match weighs as much as 0.9 of matching pinyin."""
PINYIN_CONTAINED = 0.85
"""Sound similarity of a query's pinyin found inside a mark's."""


class DimensionScore:
    """How one dimension contributed to a score.

    The result types of scoring are plain classes, not named tuples or frozen dataclasses:
    compiled by mypyc they are native, built at about a tenth of a named tuple's cost and a
    thirtieth of a frozen dataclass's (a page of twenty hits makes some two hundred). ``Final``
    keeps them unchanged where mypy checks; equality and hashing go by their fields.
    """

    __slots__ = ("contribution", "dimension", "evidence", "matched", "similarity", "weight")

    def __init__(
        self,
        dimension: Dimension,
        matched: bool,
        similarity: float,
        weight: float,
        *,
        contribution: float,
        evidence: str,
    ) -> None:
        self.dimension: Final = dimension
        self.matched: Final = matched
        self.similarity: Final = similarity
        self.weight: Final = weight
        """Weight actually applied: 0 when the dimension does not apply."""
        self.contribution: Final = contribution
        """``similarity * weight / total applied weight``: the contributions add up to the
        total."""
        self.evidence: Final = evidence

    def _values(self) -> tuple[Dimension, bool, float, float, float, str]:
        return (
            self.dimension,
            self.matched,
            self.similarity,
            self.weight,
            self.contribution,
            self.evidence,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DimensionScore):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return f"DimensionScore{self._values()!r}"


class Score:
    """A total and its breakdown, one ``DimensionScore`` per dimension in ``Dimension`` order."""

    __slots__ = ("breakdown", "total")

    def __init__(self, total: float, breakdown: tuple[DimensionScore, ...]) -> None:
        self.total: Final = total
        self.breakdown: Final = breakdown

    def dimension(self, dimension: Dimension) -> DimensionScore:
        return next(d for d in self.breakdown if d.dimension is dimension)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Score):
            return NotImplemented
        return self.total == other.total and self.breakdown == other.breakdown

    def __hash__(self) -> int:
        return hash((self.total, self.breakdown))

    def __repr__(self) -> str:
        return f"Score(total={self.total!r}, breakdown={self.breakdown!r})"


KeyDocument = Mapping[str, Sequence[str]] | str
"""A mark's keys as stored: ``MarkKeys`` as JSON (its fields by name), or packed in one string
(``packed_keys``), as the search cards and the resident index hold them."""


class MarkFields(NamedTuple):
    """The keys similarity reads of a mark, from ``MarkKeys`` or a stored key document alike
    (decoding a stored document into ``MarkKeys`` would cost more than scoring it)."""

    forms: Sequence[str]
    compacts: Sequence[str]
    texts: Sequence[str]
    pinyin_toned: Sequence[str]
    pinyin_plain: Sequence[str]
    phonetic: Sequence[str]
    distinctive: Sequence[str]

    @classmethod
    def of(cls, keys: MarkKeys) -> MarkFields:
        return cls(
            keys.forms,
            keys.compacts,
            keys.texts,
            keys.pinyin_toned,
            keys.pinyin_plain,
            keys.phonetic,
            keys.distinctive,
        )

    @classmethod
    def from_document(cls, doc: KeyDocument) -> MarkFields:
        """From the JSON document ``MarkKeys`` is stored as (its fields by name), or from its
        packed string (``packed_keys``: of its texts, the first alone)."""
        if isinstance(doc, str):
            forms, compacts, toned, plain, phonetic, distinctive, texts = unpack_keys(doc)
            return cls(forms, compacts, texts, toned, plain, phonetic, distinctive)
        return cls(
            doc["forms"],
            doc["compacts"],
            doc["texts"],
            doc["pinyin_toned"],
            doc["pinyin_plain"],
            doc["phonetic"],
            doc["distinctive"],
        )


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    """What scoring derives from the query alone, once per search instead of once per mark."""

    fields: MarkFields
    chars: tuple[frozenset[str], ...]
    """Characters of each compact form."""
    syllables: tuple[list[str], ...]
    """Toneless pinyin syllables of each form ([] without Han characters)."""
    wholly_han: tuple[bool, ...]
    """Each form is written in Chinese characters alone (one syllable per character)."""
    has_chars: bool
    """Some form has characters to compare."""
    all_chars: frozenset[str]
    """Every character of every compact form."""
    spaced: bool
    """Some form has several words (a token set ratio can match on the spaces alone)."""


@lru_cache(maxsize=64)
def prepare(query: MarkKeys) -> PreparedQuery:
    """The query side of scoring, remembered (``MarkKeys`` is immutable) for the calls of one
    search: ranking, then explaining, or explaining each listed mark. Few entries: each is a
    dozen objects the collector would traverse (see ``ip_search.search.query``)."""
    syllables = tuple(plain.split() for plain in query.pinyin_plain)
    return PreparedQuery(
        fields=MarkFields.of(query),
        chars=tuple(frozenset(compact) for compact in query.compacts),
        syllables=syllables,
        wholly_han=tuple(
            bool(s) and len(s) == len(c) for s, c in zip(syllables, query.compacts, strict=True)
        ),
        has_chars=any(query.compacts),
        all_chars=frozenset("".join(query.compacts)),
        spaced=any(" " in form for form in query.forms),
    )


class Wanted(NamedTuple):
    """The Nice classes and similar groups a search (or watch) asks for."""

    classes: frozenset[int]
    groups: frozenset[str]

    @classmethod
    def of(cls, classes: Collection[int] = (), groups: Collection[str] = ()) -> Wanted:
        return cls(frozenset(classes), frozenset(groups))


class _Raw:
    """One dimension as computed, before weighing (a native class, as ``DimensionScore``)."""

    __slots__ = ("applies", "evidence", "homophone", "similarity")

    def __init__(
        self, similarity: float, applies: bool, evidence: str, homophone: bool = False
    ) -> None:
        self.similarity: Final = similarity
        self.applies: Final = applies
        self.evidence: Final = evidence
        self.homophone: Final = homophone
        """Sound only: a homophone of the whole mark, weighed ``same_sound``."""


_DIMENSIONS = tuple(Dimension)
_SOUND = _DIMENSIONS.index(Dimension.SOUND)


@lru_cache(maxsize=16)
def _dimension_weights(weights: Weights) -> tuple[float, ...]:
    """``weights.of`` of every dimension, in ``Dimension`` order."""
    return tuple(weights.of(dimension) for dimension in _DIMENSIONS)


_DEFAULT_BASE = _dimension_weights(DEFAULT_WEIGHTS)  # looked up without hashing the Weights


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100.0 if a and b else 0.0


def _words(query: PreparedQuery, mark: MarkFields, weights: Weights, explain: bool) -> _Raw:
    best, at, how = 0.0, (0, 0), ""
    q = query.fields
    for qi, q_compact in enumerate(q.compacts):
        q_form = q.forms[qi]
        for mi, m_compact in enumerate(mark.compacts):
            if q_compact == m_compact and q_compact:
                sim, kind = 1.0, "same"
            else:
                sim = _ratio(q_compact, m_compact)
                m_form = mark.forms[mi]
                if " " in q_form or " " in m_form:
                    # Of single words, the token set ratio is the ratio: computed only for more.
                    sim = max(sim, fuzz.token_set_ratio(q_form, m_form) / 100.0)
                kind = "ratio"
                if len(q_compact) >= 2 and q_compact in m_compact and sim < weights.containment:
                    sim, kind = weights.containment, "contained"
            if sim > best:
                best, at, how = sim, (qi, mi), kind
    applies = bool(q.compacts[0])
    if not explain:
        return _Raw(best, applies, "")
    return _Raw(best, applies, _words_evidence(q.forms[at[0]], mark.forms[at[1]], how))


def _words_evidence(q_form: str, m_form: str, how: str) -> str:
    if how == "same":
        return f"same wording '{m_form}'"
    if how == "ratio":
        return f"'{q_form}' ~ '{m_form}'"
    if how == "contained":
        return f"'{q_form}' contained in '{m_form}'"
    return "no similar wording"


def _distinctive(query: PreparedQuery, mark: MarkFields, explain: bool) -> _Raw:
    words = query.fields.distinctive
    if not words:
        return _Raw(0.0, False, "query has no distinctive word")
    found: list[str] = []
    total = 0.0
    for word in words:
        if word in mark.distinctive:
            total += 1.0
            found.append(word)
        elif len(word) >= 2 and any(word in m for m in mark.distinctive):
            total += 0.75
            found.append(f"{word}⊂")
    similarity = total / len(words)
    joined = "".join(words)
    if similarity < 1.0 and len(words) > 1 and joined in mark.distinctive:
        # MAGNA BEAUTY vs MAGNABEAUTY: the same words, written together.
        similarity, found = 1.0, [f"{' '.join(words)} = {joined}"]
    if not explain:
        return _Raw(similarity, True, "")
    evidence = f"shared: {', '.join(found)}" if found else "no shared distinctive word"
    return _Raw(similarity, True, evidence)


def _sound(query: PreparedQuery, mark: MarkFields, weights: Weights, explain: bool) -> _Raw:
    """The reading that weighs most: a homophone of the whole mark (weighed ``same_sound``),
    else the best pinyin or metaphone similarity (weighed ``sound``)."""
    best, best_value, homophone, how = 0.0, 0.0, False, ("", 0, 0)
    applies = False
    q = query.fields
    for qi, q_plain in enumerate(q.pinyin_plain):
        q_key = q.phonetic[qi]
        for mi, m_plain in enumerate(mark.pinyin_plain):
            if q_plain and m_plain:
                applies = True
                whole = q_plain == m_plain and query.wholly_han[qi]
                if whole and m_plain.count(" ") + 1 == len(mark.compacts[mi]):
                    same_tones = q.pinyin_toned[qi] == mark.pinyin_toned[mi]
                    sim = 1.0 if same_tones else weights.tones_differ
                    value, kind = sim * weights.same_sound, "homophone"
                else:
                    # Syllables compared as units: kang/shi/fu vs kang/shuai/fu is 2 of 3 alike.
                    sim = fuzz.ratio(query.syllables[qi], m_plain.split()) / 100.0
                    if q_plain in m_plain and sim < PINYIN_CONTAINED:
                        sim = PINYIN_CONTAINED
                    value, kind = sim * weights.sound, "pinyin"
                if (value, sim) > (best_value, best):
                    best, best_value, how = sim, value, (kind, qi, mi)
                    homophone = kind == "homophone"
            m_key = mark.phonetic[mi]
            if q_key and m_key:
                applies = True
                sim = PHONETIC_SHARE * _ratio(q_key, m_key)
                value = sim * weights.sound
                if (value, sim) > (best_value, best):
                    best, best_value, homophone, how = sim, value, False, ("metaphone", qi, mi)
    if not explain:
        return _Raw(best, applies, "", homophone)
    return _Raw(best, applies, _sound_evidence(q, mark, how), homophone)


def _sound_evidence(query: MarkFields, mark: MarkFields, how: tuple[str, int, int]) -> str:
    kind, qi, mi = how
    if kind == "metaphone":
        return f"phonetic key {query.phonetic[qi]} ~ {mark.phonetic[mi]}"
    if not kind:
        return "no similar sound"
    tones = "same tones" if query.pinyin_toned[qi] == mark.pinyin_toned[mi] else "tones differ"
    if kind == "homophone":
        return f"pronounced as the whole mark: '{mark.pinyin_plain[mi]}' ({tones})"
    return f"pinyin '{query.pinyin_plain[qi]}' ~ '{mark.pinyin_plain[mi]}' ({tones})"


def _glyph(query: PreparedQuery, mark: MarkFields) -> _Raw:
    """Shared characters with their evidence (``total`` reads ``_glyph_similarity``)."""
    q = query.fields
    if not query.has_chars or not any(mark.compacts):
        return _Raw(0.0, False, "no characters to compare")
    best, shared_best = 0.0, frozenset[str]()
    mark_chars = [set(m_compact) for m_compact in mark.compacts]
    for q_chars in query.chars:
        for m_chars in mark_chars:
            if q_chars and m_chars:
                shared = q_chars & m_chars
                # Jaccard: |shared| / |union|, the union counted rather than built.
                similarity = len(shared) / (len(q_chars) + len(m_chars) - len(shared))
                if similarity > best:
                    best, shared_best = similarity, shared
    if not shared_best:
        return _Raw(0.0, True, "no shared characters")
    if set(q.compacts) & set(mark.compacts):
        how = _equal_after(q.texts[0], mark.texts[0])
    else:
        how = f"{len(shared_best)} shared characters: {''.join(sorted(shared_best))[:20]}"
    return _Raw(best, True, how)


def _glyph_similarity(query: PreparedQuery, mark: MarkFields) -> float:
    """``_glyph``'s similarity alone, for ``total`` (the same Jaccard, no shared set kept)."""
    best = 0.0
    for m_compact in mark.compacts:
        if m_compact:
            m_chars = set(m_compact)
            for q_chars in query.chars:
                if q_chars:
                    shared = len(q_chars & m_chars)
                    similarity = shared / (len(q_chars) + len(m_chars) - shared)
                    best = max(best, similarity)
    return best


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
    wanted: Wanted,
    mark_classes: Collection[int],
    mark_groups: Collection[str],
    weights: Weights,
    explain: bool,
) -> _Raw:
    if not wanted.classes and not wanted.groups:
        return _Raw(0.0, False, "no classes or groups asked for")
    if not wanted.groups.isdisjoint(mark_groups):
        if not explain:
            return _Raw(1.0, True, "")
        groups = sorted(wanted.groups.intersection(mark_groups))
        return _Raw(1.0, True, f"shared similar groups {', '.join(groups)}")
    if not wanted.classes.isdisjoint(mark_classes):
        if not explain:
            return _Raw(weights.same_class, True, "")
        classes = sorted(wanted.classes.intersection(mark_classes))
        return _Raw(weights.same_class, True, f"shared Nice classes {classes}")
    return _Raw(0.0, True, "no shared class or group")


def _apart(query: PreparedQuery, mark: MarkFields) -> bool:
    """No character in common and single words on both sides: then wording, distinctive words
    and glyphs are all exactly 0 (each needs a shared character), and only sound and classes
    are left to compute. Most candidates of a watch are such marks."""
    return (
        query.all_chars.isdisjoint("".join(mark.compacts))
        and not query.spaced
        and not any(" " in form for form in mark.forms)
    )


def _dimensions(
    query: PreparedQuery,
    mark: MarkFields,
    wanted: Wanted,
    *,
    mark_classes: Collection[int],
    mark_groups: Collection[str],
    weights: Weights,
) -> tuple[_Raw, ...]:
    """Every dimension in ``Dimension`` order, with its evidence: ``explain``'s computation,
    of which ``total`` repeats the arithmetic (and ``_totals.c`` both)."""
    return (
        _words(query, mark, weights, True),
        _distinctive(query, mark, True),
        _sound(query, mark, weights, True),
        _glyph(query, mark),
        _classes(wanted, mark_classes, mark_groups, weights, True),
    )


def _scored(raw: Sequence[_Raw], weights: Weights) -> Score:
    """The dimensions weighed: the weights that apply, each one's contribution, the total."""
    base = _DEFAULT_BASE if weights is DEFAULT_WEIGHTS else _dimension_weights(weights)
    applied = [w if r.applies else 0.0 for w, r in zip(base, raw, strict=True)]
    if raw[_SOUND].homophone:
        applied[_SOUND] = weights.same_sound
    denominator = sum(applied)
    contributions = [
        (r.similarity * w / denominator) if denominator else 0.0
        for r, w in zip(raw, applied, strict=True)
    ]
    matched_at = weights.matched_at
    breakdown = tuple(
        DimensionScore(
            d,
            r.applies and r.similarity >= matched_at,
            r.similarity,
            w,
            contribution=c,
            evidence=r.evidence,
        )
        for d, r, w, c in zip(_DIMENSIONS, raw, applied, contributions, strict=True)
    )
    return Score(total=sum(contributions), breakdown=breakdown)


def total(
    query: PreparedQuery,
    mark: MarkFields,
    wanted: Wanted,
    *,
    mark_classes: Collection[int] = (),
    mark_groups: Collection[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> float:
    """``explain(...).total`` without the evidence: for ranking every candidate.

    ``_scored``'s arithmetic written out, in its order (so the totals are equal to the last bit),
    without its lists: a search ranks a hundred-odd candidates, most of them far from the query.
    """
    q = query.fields
    glyph_applies = query.has_chars and any(mark.compacts)
    if _apart(query, mark):
        words = distinctive = glyph = 0.0
        words_apply = bool(q.compacts[0])
        distinctive_applies = bool(q.distinctive)
    else:
        worded = _words(query, mark, weights, False)
        words, words_apply = worded.similarity, worded.applies
        shared_words = _distinctive(query, mark, False)
        distinctive, distinctive_applies = shared_words.similarity, shared_words.applies
        glyph = _glyph_similarity(query, mark) if glyph_applies else 0.0
    sound = _sound(query, mark, weights, False)
    classes = _classes(wanted, mark_classes, mark_groups, weights, False)
    base = _DEFAULT_BASE if weights is DEFAULT_WEIGHTS else _dimension_weights(weights)
    w_words = base[0] if words_apply else 0.0
    w_distinctive = base[1] if distinctive_applies else 0.0
    w_sound = weights.same_sound if sound.homophone else base[2] if sound.applies else 0.0
    w_glyph = base[3] if glyph_applies else 0.0
    w_classes = base[4] if classes.applies else 0.0
    denominator = w_words + w_distinctive + w_sound + w_glyph + w_classes
    if not denominator:
        return 0.0
    return (
        words * w_words / denominator
        + distinctive * w_distinctive / denominator
        + sound.similarity * w_sound / denominator
        + glyph * w_glyph / denominator
        + classes.similarity * w_classes / denominator
    )


Kernel = Callable[
    [
        PreparedQuery,
        Sequence[KeyDocument],
        Sequence[Collection[int]],
        Sequence[Collection[str]],
        frozenset[int],
        frozenset[str],
        tuple[float, ...],
    ],
    list[float],
]

_kernel: Kernel | None
try:
    from ip_search.text._totals import totals as _native_totals

    _kernel = _native_totals
except ImportError:  # sources run without their build (tests/compiled_sources.py): in Python
    _kernel = None


@lru_cache(maxsize=16)
def _kernel_weights(weights: Weights) -> tuple[float, ...]:
    """What ``_totals.c`` reads of the weights and constants, in its ``Weights`` order."""
    return (
        *_dimension_weights(weights),
        weights.same_sound,
        weights.tones_differ,
        weights.containment,
        weights.same_class,
        PHONETIC_SHARE,
        PINYIN_CONTAINED,
    )


def totals(
    query: PreparedQuery,
    documents: Sequence[KeyDocument],
    mark_classes: Sequence[Collection[int]],
    mark_groups: Sequence[Collection[str]],
    wanted: Wanted,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[float]:
    """``total`` of each mark, given as its stored key document, classes and groups.

    Built, the C kernel ``_totals.c`` computes them (the same numbers to the last bit, at about
    a fifth of the cost: no key lists, tuples or rapidfuzz calls made per mark)."""
    if _kernel is not None:
        return _kernel(
            query,
            documents,
            mark_classes,
            mark_groups,
            wanted.classes,
            wanted.groups,
            _kernel_weights(weights),
        )
    return [
        total(
            query,
            MarkFields.from_document(document),
            wanted,
            mark_classes=classes,
            mark_groups=groups,
            weights=weights,
        )
        for document, classes, groups in zip(documents, mark_classes, mark_groups, strict=True)
    ]


def bound(
    query: PreparedQuery,
    mark: MarkFields,
    wanted: Wanted,
    *,
    mark_classes: Collection[int] = (),
    mark_groups: Collection[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> float:
    """An upper bound of ``total`` at about half its cost, to rule pairs out (watch matching).

    Sound and classes are computed exactly; wording, distinctive words and glyphs only as far as
    the characters the mark shares with the query allow: each needs shared characters, and a
    ratio ``2·LCS / (a + b)`` is at most ``2k / (a + k)`` when ``k`` of the query's ``a``
    characters occur in the mark. Which dimensions apply, hence the denominator, is exact.
    """
    q = query.fields
    chars = set("".join(mark.compacts))
    spaced = query.spaced or any(" " in form for form in mark.forms)
    sound = _sound(query, mark, weights, False)
    classes = _classes(wanted, mark_classes, mark_groups, weights, False)
    base = _DEFAULT_BASE if weights is DEFAULT_WEIGHTS else _dimension_weights(weights)
    w_words, w_distinctive, w_sound, w_glyph, w_classes = base
    if sound.homophone:
        w_sound = weights.same_sound
    numerator = sound.similarity * w_sound if sound.applies else 0.0
    denominator = w_sound if sound.applies else 0.0
    if classes.applies:
        numerator += classes.similarity * w_classes
        denominator += w_classes
    if q.compacts[0]:
        numerator += (1.0 if spaced else _words_bound(q.compacts, chars)) * w_words
        denominator += w_words
    if q.distinctive:
        inside = sum(1 for word in q.distinctive if chars.issuperset(word))
        numerator += inside / len(q.distinctive) * w_distinctive
        denominator += w_distinctive
    if query.has_chars and chars:
        shared = max((len(c & chars) / len(c) for c in query.chars if c), default=0.0)
        numerator += shared * w_glyph
        denominator += w_glyph
    return numerator / denominator if denominator else 0.0


def _words_bound(compacts: Sequence[str], chars: set[str]) -> float:
    best = 0.0
    for compact in compacts:
        if compact:
            found = sum(1 for char in compact if char in chars)
            best = max(best, 1.0 if found == len(compact) else 2 * found / (len(compact) + found))
    return best


def explain(
    query: PreparedQuery,
    mark: MarkFields,
    wanted: Wanted,
    *,
    mark_classes: Collection[int] = (),
    mark_groups: Collection[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> Score:
    """The score of ``mark`` with each dimension's share of the total and why."""
    raw = _dimensions(
        query, mark, wanted, mark_classes=mark_classes, mark_groups=mark_groups, weights=weights
    )
    return _scored(raw, weights)


WeighedDimension = tuple[bool, float, float, float, str]
"""A dimension as ``_totals.c`` weighs it: ``DimensionScore``'s matched, similarity, weight,
contribution and evidence."""

ExplainKernel = Callable[
    [
        PreparedQuery,
        Sequence[KeyDocument],
        Sequence[Collection[int]],
        Sequence[Collection[str]],
        frozenset[int],
        frozenset[str],
        tuple[float, ...],
        float,
        Callable[[str, str], str],
    ],
    list[tuple[float, tuple[WeighedDimension, ...]]],
]

DimensionDocument = dict[str, object]
"""A ``DimensionScore`` as JSON holds it (``dimension_document``)."""
ScoreDocument = dict[str, object]
"""A ``Score`` as JSON holds it (``score_document``)."""

JsonKernel = Callable[
    [
        PreparedQuery,
        Sequence[KeyDocument],
        Sequence[Collection[int]],
        Sequence[Collection[str]],
        frozenset[int],
        frozenset[str],
        tuple[float, ...],
        float,
        Callable[[str, str], str],
        tuple[str, ...],
        int,
    ],
    list[tuple[float, bytes]],
]

_explain_kernel: ExplainKernel | None
_json_kernel: JsonKernel | None
try:
    from ip_search.text._totals import explained as _native_explained
    from ip_search.text._totals import scores_json as _native_scores_json

    _explain_kernel = _native_explained
    _json_kernel = _native_scores_json
except ImportError:  # sources run without their build: in Python
    _explain_kernel = None
    _json_kernel = None


def explain_documents(
    query: PreparedQuery,
    documents: Sequence[KeyDocument],
    mark_classes: Sequence[Collection[int]],
    mark_groups: Sequence[Collection[str]],
    wanted: Wanted,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Score]:
    """``explain`` of each mark, given as its stored key document, classes and groups (the
    hits of a page).

    Built, the C kernel ``_totals.c`` computes the dimensions, their evidence and their weighing
    from the documents in place, in ``_dimensions``' and ``_scored``'s arithmetic (so the
    totals are ``explain``'s to the last bit): in compiled Python they cost some 7 µs a hit,
    most of a page's explaining."""
    if _explain_kernel is None:
        return [
            explain(
                query,
                MarkFields.from_document(document),
                wanted,
                mark_classes=classes,
                mark_groups=groups,
                weights=weights,
            )
            for document, classes, groups in zip(documents, mark_classes, mark_groups, strict=True)
        ]
    found = _explain_kernel(
        query,
        documents,
        mark_classes,
        mark_groups,
        wanted.classes,
        wanted.groups,
        _kernel_weights(weights),
        weights.matched_at,
        _equal_after,
    )
    return [_weighed(total, dimensions) for total, dimensions in found]


_NAMES = {dimension: dimension.value for dimension in Dimension}
"""Each dimension's name, looked up: an enum's ``value`` is a descriptor call, five per hit."""
_DIMENSION_NAMES = tuple(_NAMES[dimension] for dimension in _DIMENSIONS)
ROUNDED_SIZE = 4096
_ROUNDED: dict[tuple[float, int], float] = {}


def _rounded(value: float, digits: int) -> float:
    """``round(value, digits)``, remembered for up to ``ROUNDED_SIZE`` values.

    A page of twenty hits rounds some 300 numbers, but few distinct ones: the weights are five
    constants, and similarities and contributions are mostly 0, 1 and ratios of small counts
    (300 benchmark searches held 128 distinct similarities). An unseen value is rounded by
    ``round`` itself, so the result is the same (the numbers are never negative, so no ``-0.0``
    is looked up as the ``0.0`` it equals).
    """
    rounded = _ROUNDED.get((value, digits))
    if rounded is None:
        rounded = round(value, digits)
        if len(_ROUNDED) < ROUNDED_SIZE:
            _ROUNDED[value, digits] = rounded
    return rounded


def dimension_document(dimension: DimensionScore, digits: int) -> DimensionDocument:
    """A dimension's score as JSON holds it, its numbers ``round``ed to ``digits`` places."""
    return {
        "dimension": _NAMES[dimension.dimension],
        "matched": dimension.matched,
        "similarity": _rounded(dimension.similarity, digits),
        "weight": _rounded(dimension.weight, digits),
        "contribution": _rounded(dimension.contribution, digits),
        "evidence": dimension.evidence,
    }


def score_document(score: Score, digits: int) -> ScoreDocument:
    """A score as JSON holds it: its total and each ``dimension_document``."""
    return {
        "total": _rounded(score.total, digits),
        "breakdown": [dimension_document(d, digits) for d in score.breakdown],
    }


def explain_json(
    query: PreparedQuery,
    documents: Sequence[KeyDocument],
    mark_classes: Sequence[Collection[int]],
    mark_groups: Sequence[Collection[str]],
    wanted: Wanted,
    *,
    digits: int,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[tuple[float, bytes]]:
    """Each mark's ``explain_documents`` total, and its ``score_document`` as orjson writes
    it (what a response holds of a hit's score, ready to embed as an ``orjson.Fragment``).

    Built, the C kernel ``_totals.c`` writes those bytes itself, with no object between: a
    page's scores made into ``Score``s, then dicts, then JSON, cost more than explaining
    them."""
    if _json_kernel is None:
        return [
            (score.total, orjson.dumps(score_document(score, digits)))
            for score in explain_documents(
                query, documents, mark_classes, mark_groups, wanted, weights=weights
            )
        ]
    return _json_kernel(
        query,
        documents,
        mark_classes,
        mark_groups,
        wanted.classes,
        wanted.groups,
        _kernel_weights(weights),
        weights.matched_at,
        _equal_after,
        _DIMENSION_NAMES,
        digits,
    )


def _weighed(total: float, dimensions: tuple[WeighedDimension, ...]) -> Score:
    breakdown = tuple(
        [
            DimensionScore(d, v[0], v[1], v[2], contribution=v[3], evidence=v[4])
            for d, v in zip(_DIMENSIONS, dimensions, strict=True)
        ]
    )
    return Score(total=total, breakdown=breakdown)


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
    return explain(
        prepare(query),
        MarkFields.of(mark),
        Wanted.of(query_classes, query_groups),
        mark_classes=mark_classes,
        mark_groups=mark_groups,
        weights=weights,
    )
