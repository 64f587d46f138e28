"""Text analysis of trademarks: folding, index keys, phonetic keys and explained similarity."""

from ip_search.text.keys import MarkKeys, mark_keys, query_keys
from ip_search.text.normalize import fold
from ip_search.text.scoring import (
    DEFAULT_WEIGHTS,
    Dimension,
    DimensionScore,
    KeyDocument,
    MarkFields,
    PreparedQuery,
    Score,
    Wanted,
    Weights,
    bound,
    explain,
    explain_documents,
    prepare,
    score,
    total,
    totals,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "Dimension",
    "DimensionScore",
    "KeyDocument",
    "MarkFields",
    "MarkKeys",
    "PreparedQuery",
    "Score",
    "Wanted",
    "Weights",
    "bound",
    "explain",
    "explain_documents",
    "fold",
    "mark_keys",
    "prepare",
    "query_keys",
    "score",
    "total",
    "totals",
]
