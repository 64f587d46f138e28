"""Chase-list risk of a non-filer, explained: why chase this factory before that one.

risk = size (0-40) + lateness (0-35) + volatility (0-25), each part with its reason:
- size: last year's year-end employees e, 40 x min(1, log10(1 + e) / log10(501)) — a factory
  of 500 people scores full; unknown size scores half (20);
- lateness: 35 if last year's return came in after the deadline or never; 0 if on time; half
  (17.5) for a factory with no return last year (new to the survey);
- volatility: 25 if last year's return had to explain a big year-on-year change or was flagged
  back by a surveyor; else 0.
Big, habitually late and volatile factories are the ones whose missing figures hurt the survey
most and who are least likely to file unprompted.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

SIZE_WEIGHT, LATENESS_WEIGHT, VOLATILITY_WEIGHT = 40.0, 35.0, 25.0
FULL_SIZE_EMPLOYEES = 500

METHOD = (
    "risk = size 40 x min(1, log10(1+employees last year)/log10(501)) (unknown: 20) + lateness 35 "
    "if last year's return was late or never came (new factory: 17.5) + volatility 25 if last "
    "year's return explained a big year-on-year change or was flagged back."
)


@dataclass(frozen=True, slots=True)
class LastYear:
    """What last year's return says about the factory (None fields: unknown)."""

    had_return: bool
    employees: int | None = None
    filed_on: dt.date | None = None
    deadline: dt.date | None = None
    explained_change: bool = False
    was_flagged: bool = False


@dataclass(frozen=True, slots=True)
class RiskPart:
    factor: str
    points: float
    reason: str


@dataclass(frozen=True, slots=True)
class Risk:
    score: float
    parts: tuple[RiskPart, ...]


def risk(last_year: LastYear) -> Risk:
    parts = (_size(last_year), _lateness(last_year), _volatility(last_year))
    return Risk(round(sum(part.points for part in parts), 2), parts)


def _size(last: LastYear) -> RiskPart:
    if last.employees is None:
        return RiskPart("size", SIZE_WEIGHT / 2, "size unknown (no employee count last year)")
    share = min(1.0, math.log10(1 + last.employees) / math.log10(1 + FULL_SIZE_EMPLOYEES))
    return RiskPart("size", round(SIZE_WEIGHT * share, 2), f"{last.employees} employees last year")


def _lateness(last: LastYear) -> RiskPart:
    if not last.had_return:
        return RiskPart("lateness", LATENESS_WEIGHT / 2, "no return last year (new to the survey)")
    if last.filed_on is None:
        return RiskPart("lateness", LATENESS_WEIGHT, "did not file last year")
    if last.deadline is not None and last.filed_on > last.deadline:
        late = (last.filed_on - last.deadline).days
        return RiskPart("lateness", LATENESS_WEIGHT, f"filed {late} day(s) late last year")
    return RiskPart("lateness", 0.0, "filed on time last year")


def _volatility(last: LastYear) -> RiskPart:
    if last.was_flagged:
        return RiskPart("volatility", VOLATILITY_WEIGHT, "last year's return was flagged back")
    if last.explained_change:
        return RiskPart(
            "volatility", VOLATILITY_WEIGHT, "last year's return explained a big change"
        )
    return RiskPart("volatility", 0.0, "no big change last year")
