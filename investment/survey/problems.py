"""A validation problem: the field it belongs to, a stable code, and bilingual messages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Problem", "ProblemCode"]


class ProblemCode(StrEnum):
    REQUIRED = "required"
    NOT_INTEGER = "not_integer"
    NOT_DECIMAL = "not_decimal"
    NOT_TEXT = "not_text"
    NOT_BOOLEAN = "not_boolean"
    NOT_DATE = "not_date"
    NOT_A_CHOICE = "not_a_choice"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    TOO_MANY_DECIMALS = "too_many_decimals"
    TOO_LONG = "too_long"
    PATTERN_MISMATCH = "pattern_mismatch"
    UNKNOWN_FIELD = "unknown_field"
    SUM_MISMATCH = "sum_mismatch"
    YEAR_ON_YEAR_UNEXPLAINED = "year_on_year_unexplained"
    INCONSISTENT = "inconsistent"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a return; `field` is the question id the form highlights."""

    field: str
    code: ProblemCode
    message_zh: str
    message_en: str
    rule_id: str | None = None
