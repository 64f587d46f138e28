"""Per-question value checks: turn a raw JSON answer into a typed value or a Problem."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from investment.survey.definition import Question, QuestionType
from investment.survey.problems import Problem, ProblemCode

__all__ = ["Typed", "check_value", "is_blank"]

Typed = int | Decimal | str | bool | dt.date | frozenset[str]
_INTEGER_TEXT = re.compile(r"-?\d+")


def is_blank(raw: object) -> bool:
    """None, '', whitespace or an empty list: not answered."""
    if raw is None:
        return True
    if type(raw) is str:
        return not raw or raw.isspace()
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, list | tuple) and not raw


def check_value(question: Question, raw: object) -> Typed | Problem:
    """The typed value of a non-blank answer, or the first Problem it has."""
    return _CHECKERS[question.type](question, raw)


def _integer_value(question: Question, raw: object) -> Typed | Problem:
    return _ranged(question, _integer(raw), ProblemCode.NOT_INTEGER, "整數", "a whole number")


def _boolean(question: Question, raw: object) -> Typed | Problem:
    if isinstance(raw, bool):
        return raw
    return _problem(question, ProblemCode.NOT_BOOLEAN, "應為是或否", "must be yes or no")


def _problem(question: Question, code: ProblemCode, zh: str, en: str) -> Problem:
    return Problem(
        question.id, code, f"「{question.label_zh}」{zh}。", f"{question.label_en} {en}."
    )


def _integer(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and _INTEGER_TEXT.fullmatch(raw.strip()):
        return int(raw.strip())
    return None


def _to_decimal(raw: object) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _decimal(question: Question, raw: object) -> Typed | Problem:
    value = _to_decimal(raw)
    places = question.max_decimal_places
    if value is not None and places is not None and -int(value.as_tuple().exponent) > places:
        zh, en = f"最多 {places} 位小數", f"allows at most {places} decimal places"
        return _problem(question, ProblemCode.TOO_MANY_DECIMALS, zh, en)
    return _ranged(question, value, ProblemCode.NOT_DECIMAL, "數字", "a number")


def _ranged(
    question: Question, value: int | Decimal | None, code: ProblemCode, zh: str, en: str
) -> Typed | Problem:
    if value is None:
        return _problem(question, code, f"應為{zh}", f"must be {en}")
    if question.min_value is not None and value < question.min_value:
        zh_text, en_text = _with_unit(question, f"不得小於 {question.min_value}", "at least")
        return _problem(question, ProblemCode.BELOW_MINIMUM, zh_text, en_text)
    if question.max_value is not None and value > question.max_value:
        zh_text, en_text = _with_unit(question, f"不得大於 {question.max_value}", "at most")
        return _problem(question, ProblemCode.ABOVE_MAXIMUM, zh_text, en_text)
    return value


def _with_unit(question: Question, zh: str, en_bound: str) -> tuple[str, str]:
    limit = question.min_value if en_bound == "at least" else question.max_value
    unit_en = f" {question.unit_en}" if question.unit_en else ""
    return f"{zh}{question.unit_zh or ''}", f"must be {en_bound} {limit}{unit_en}"


def _text(question: Question, raw: object) -> Typed | Problem:
    if not isinstance(raw, str):
        return _problem(question, ProblemCode.NOT_TEXT, "應為文字", "must be text")
    value = raw.strip()
    if question.max_length is not None and len(value) > question.max_length:
        zh, en = (
            f"最多 {question.max_length} 字",
            f"allows at most {question.max_length} characters",
        )
        return _problem(question, ProblemCode.TOO_LONG, zh, en)
    if question.pattern is not None and not re.fullmatch(question.pattern, value):
        return _problem(
            question, ProblemCode.PATTERN_MISMATCH, "格式不正確", "has the wrong format"
        )
    return value


def _choice(question: Question, raw: object) -> Typed | Problem:
    if isinstance(raw, str) and raw in question.choice_values:
        return raw
    return _problem(
        question, ProblemCode.NOT_A_CHOICE, "不是可選的選項", "is not one of the choices"
    )


def _multi_choice(question: Question, raw: object) -> Typed | Problem:
    if isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw):
        values = frozenset(raw)
        if len(values) == len(raw) and values <= question.choice_values:
            return values
    zh, en = "含有不可選或重複的選項", "holds a value that is not a choice, or a repeat"
    return _problem(question, ProblemCode.NOT_A_CHOICE, zh, en)


def _date(question: Question, raw: object) -> Typed | Problem:
    try:
        value = dt.date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if value is None:
        zh, en = "應為日期 (YYYY-MM-DD)", "must be a date (YYYY-MM-DD)"
        return _problem(question, ProblemCode.NOT_DATE, zh, en)
    if question.min_date is not None and value < dt.date.fromisoformat(question.min_date):
        zh, en = f"不得早於 {question.min_date}", f"must be on or after {question.min_date}"
        return _problem(question, ProblemCode.BELOW_MINIMUM, zh, en)
    if question.max_date is not None and value > dt.date.fromisoformat(question.max_date):
        zh, en = f"不得晚於 {question.max_date}", f"must be on or before {question.max_date}"
        return _problem(question, ProblemCode.ABOVE_MAXIMUM, zh, en)
    return value


_CHECKERS: dict[QuestionType, Callable[[Question, object], Typed | Problem]] = {
    QuestionType.INTEGER: _integer_value,
    QuestionType.DECIMAL: _decimal,
    QuestionType.TEXT: _text,
    QuestionType.CHOICE: _choice,
    QuestionType.MULTI_CHOICE: _multi_choice,
    QuestionType.BOOLEAN: _boolean,
    QuestionType.DATE: _date,
}
