"""Field-by-field similarity of a declaration line to a certificate item (rapidfuzz, 0-100)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from tax_exemption.domain.matching.index import IndexedItem
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


@dataclass(frozen=True, slots=True)
class LineText:
    """A line's free text, normalised once."""

    description_text: str
    description_compact: str
    model_key: str
    spec_compact: str
    spec_figures: tuple[str, ...]
    cited_key: str | None

    @classmethod
    def of(cls, line: DeclarationLine) -> LineText:
        cited = line.cited_certificate_no
        return cls(
            description_text=text_key(line.description),
            description_compact=compact(line.description),
            model_key=model_key(line.goods_model),
            spec_compact=compact(line.goods_spec),
            spec_figures=figures(line.goods_spec),
            cited_key=certificate_key(cited) if cited else None,
        )


def description_score(text: LineText, indexed: IndexedItem) -> float:
    """Edit similarity without spaces (typos, spacing), word-order-free similarity, or - a
    little discounted - one description's words contained in the other's (declarations often
    give only the English or only the Chinese half)."""
    item = indexed.text
    if text.description_compact == item.description_compact:
        return 100.0
    return _description_similarity(
        text.description_compact,
        text.description_text,
        item.description_compact,
        item.description_text,
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
    item = indexed.text
    if not text.spec_compact or not item.spec_compact:
        return None
    if text.spec_compact == item.spec_compact:
        return 100.0
    similarity = fuzz.ratio(text.spec_compact, item.spec_compact)
    if text.spec_figures != item.spec_figures:
        return min(similarity, SPEC_FIGURES_DIFFER)
    return similarity


def _model_score(text: LineText, item: IndexedItem) -> float:
    if text.model_key == item.model_key:
        return 100.0
    return fuzz.ratio(text.model_key, item.model_key)


def score(text: LineText, item: IndexedItem, config: MatchConfig) -> FieldScores:
    """All field scores and their weighted total over the fields both sides carry."""
    description = description_score(text, item)
    weighted = config.description_weight * description
    weights = config.description_weight
    model = _model_score(text, item)
    if item.model_key:
        weighted += config.model_weight * model
        weights += config.model_weight
    spec = spec_score(text, item)
    if spec is not None:
        weighted += config.spec_weight * spec
        weights += config.spec_weight
    cited_key = item.text.certificate_key
    cited = None if text.cited_key is None else fuzz.ratio(text.cited_key, cited_key)
    return FieldScores(
        description=description,
        model=model,
        spec=spec if spec is not None else 0.0,
        total=weighted / weights,
        # An item approved without a model is identified by description and spec alone.
        model_agrees=text.model_key == item.model_key if item.model_key else True,
        spec_compared=spec is not None,
        cited_number=cited,
    )
