"""Thresholds and weights of the matching engine, in one frozen, documented record."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_CONFIG", "MatchConfig"]


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Every knob of the engine. Scores are 0-100 (rapidfuzz scale).

    The fuzzy pass auto-matches only an unambiguous candidate whose model number agrees after
    normalisation: everything weaker goes to an officer, because a wrong automatic match costs
    duty or wrongly charges a firm while a review costs minutes.
    """

    # Weights of the content score; fields the item leaves empty drop out and the rest rescale.
    description_weight: float = 0.45
    model_weight: float = 0.40
    spec_weight: float = 0.15

    # Exact pass (the cited item): the cite is strong evidence, so content only has to agree.
    exact_description_min: float = 80.0
    exact_spec_min: float = 80.0
    # A cited machine with the item's exact model counts one for one across PCE/UNT and SET.
    whole_goods_one_for_one: bool = True

    # Fuzzy pass: auto-match only above these and with a clear margin over the runner-up.
    auto_threshold: float = 90.0
    auto_description_min: float = 80.0
    # Without a model (materials) the spec is what tells two grades of one material apart.
    auto_spec_min: float = 80.0
    auto_margin: float = 8.0
    # Same goods on two certificates: a cited number this close to one of them breaks the tie.
    cert_tiebreak_min: float = 85.0
    cert_tiebreak_margin: float = 15.0

    # Candidates shown to officers: at least this score, at most this many.
    review_floor: float = 55.0
    max_candidates: int = 5

    def __post_init__(self) -> None:
        weights = (self.description_weight, self.model_weight, self.spec_weight)
        if min(weights) < 0 or self.description_weight <= 0:
            raise ValueError("weights must be non-negative, the description's positive")
        if not 0 <= self.review_floor <= self.auto_threshold <= 100:
            raise ValueError("need 0 <= review_floor <= auto_threshold <= 100")
        if self.max_candidates < 1:
            raise ValueError("max_candidates must be at least 1")


DEFAULT_CONFIG = MatchConfig()
