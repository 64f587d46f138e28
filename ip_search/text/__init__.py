"""Text analysis of trademarks: folding, index keys, phonetic keys and explained similarity."""

from ip_search.text.keys import MarkKeys, mark_keys, query_keys
from ip_search.text.normalize import fold
from ip_search.text.scoring import (
    DEFAULT_WEIGHTS,
    Dimension,
    DimensionScore,
    Score,
    Weights,
    score,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "Dimension",
    "DimensionScore",
    "MarkKeys",
    "Score",
    "Weights",
    "fold",
    "mark_keys",
    "query_keys",
    "score",
]
