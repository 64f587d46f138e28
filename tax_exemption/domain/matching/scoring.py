"""Field-by-field similarity of a declaration line to a certificate item (rapidfuzz, 0-100)."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz

from tax_exemption.domain.matching.index import IndexedItem, ItemText
from tax_exemption.domain.matching.normalise import (
    certificate_key,
    compact,
    figures,
    model_key,
    text_key,
)
from tax_exemption.domain.matching.outcomes import FieldScores
from tax_exemption.domain.matching.records import DeclarationLine
from tax_exemption.domain.matching.rules import MatchConfig

__all__ = [
    "SPEC_FIGURES_DIFFER",
    "SUBSET_DISCOUNT",
    "LineText",
    "description_score",
    "score",
    "spec_score",
]

SPEC_FIGURES_DIFFER = 60.0
SUBSET_DISCOUNT = 5.0


class LineText:
    """A line's free text, normalised once per residue line.

    A slotted class rather than a named tuple: the fuzzy pass reads its fields a dozen times
    per line, and a slot is read by a specialised instruction, a named tuple's field by a
    generic attribute look-up several times slower.
    """

    __slots__ = (
        "cited_key",
        "description_compact",
        "description_text",
        "model_key",
        "spec_compact",
        "spec_figures",
    )

    def __init__(self, line: DeclarationLine) -> None:
        description = line.description
        spec = line.goods_spec
        cited = line.cited_certificate_no
        self.description_text = text_key(description)
        self.description_compact = compact(description)
        self.model_key = model_key(line.goods_model)
        self.spec_compact = compact(spec)
        self.spec_figures = figures(spec)
        self.cited_key = certificate_key(cited) if cited else None

    @classmethod
    def of(cls, line: DeclarationLine) -> LineText:
        return cls(line)


def description_score(text: LineText, indexed: IndexedItem) -> float:
    """Edit similarity without spaces (typos, spacing), word-order-free similarity, or - a
    little discounted - one description's words contained in the other's (declarations often
    give only the English or only the Chinese half)."""
    return _description(text, indexed.text)


def _description(text: LineText, item: ItemText) -> float:
    line_compact = text.description_compact
    item_compact = item.description_compact
    if line_compact == item_compact:
        return 100.0
    return _description_similarity(
        line_compact, text.description_text, item_compact, item.description_text
    )


# Descriptions repeat a great deal (a firm's goods, declared again and again with the same
# noise), so each distinct pair is scored once; the cache is bounded and holds only numbers.
@lru_cache(maxsize=1 << 16)
def _description_similarity(
    line_compact: str, line_text: str, item_compact: str, item_text: str
) -> float:
    return max(
        fuzz.ratio(line_compact, item_compact),
        fuzz.token_sort_ratio(line_text, item_text),
        fuzz.token_set_ratio(line_text, item_text) - SUBSET_DISCOUNT,
    )


def spec_score(text: LineText, indexed: IndexedItem) -> float | None:
    """Similarity of the specs, or None when either side gives none (missing is not different).

    The figures are a spec's identity (12 CP is not 25 CP however alike the strings look), so
    specs stating other figures score at most ``SPEC_FIGURES_DIFFER``.
    """
    return _spec(text, indexed.text)


def _spec(text: LineText, item: ItemText) -> float | None:
    line_spec = text.spec_compact
    item_spec = item.spec_compact
    if not line_spec or not item_spec:
        return None
    if line_spec == item_spec:
        return 100.0
    similarity = fuzz.ratio(line_spec, item_spec)
    # min() without the builtin's call: the spec scores at most SPEC_FIGURES_DIFFER.
    if text.spec_figures != item.spec_figures and similarity > SPEC_FIGURES_DIFFER:
        return SPEC_FIGURES_DIFFER
    return similarity


def score(text: LineText, indexed: IndexedItem, config: MatchConfig) -> FieldScores:
    """All field scores and their weighted total over the fields both sides carry.

    The fuzzy pass calls this once per candidate, so it reads the item's text forms once and
    builds the scores positionally (field order of ``FieldScores``).
    """
    item = indexed.text
    description = _description(text, item)
    weighted = config.description_weight * description
    weights = config.description_weight
    line_model = text.model_key
    item_model = indexed.model_key
    if item_model:
        model = 100.0 if line_model == item_model else fuzz.ratio(line_model, item_model)
        weighted += config.model_weight * model
        weights += config.model_weight
    else:
        # An item approved without a model (two candidates in five) leaves the model out of
        # the total; the line's scores what ``fuzz.ratio`` gives against "", without the call.
        model = 0.0 if line_model else 100.0
    spec = _spec(text, item)
    if spec is not None:
        weighted += config.spec_weight * spec
        weights += config.spec_weight
    cited = text.cited_key
    # tuple.__new__ builds the named tuple in C, every field given in order.
    return tuple.__new__(
        FieldScores,
        (
            description,
            model,
            0.0 if spec is None else spec,
            weighted / weights,
            # An item approved without a model is identified by description and spec alone.
            line_model == item_model if item_model else True,
            spec is not None,
            None if cited is None else fuzz.ratio(cited, indexed.key.certificate_no),
        ),
    )
