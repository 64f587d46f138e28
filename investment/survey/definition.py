"""Survey form definitions as data: pydantic models loaded from JSON.

A form is versioned (form_id + version) and holds sections of questions plus cross-field rules,
so the base-period revision (基期改編) ships a new JSON document, not new code. The model checks
its own integrity on load: unique ids, rules and conditions that name existing questions of the
right type.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Choice",
    "Condition",
    "ConsistencyRule",
    "FormDefinition",
    "Question",
    "QuestionType",
    "Rule",
    "Section",
    "SumRule",
    "YearOnYearRule",
]

ConditionValue = str | int | float | bool | list[str] | None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class QuestionType(StrEnum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    BOOLEAN = "boolean"
    DATE = "date"

    @property
    def numeric(self) -> bool:
        return self in (QuestionType.INTEGER, QuestionType.DECIMAL)


class Choice(_Frozen):
    value: str
    label_zh: str
    label_en: str


class Condition(_Frozen):
    """`field op value`, or `field op other_field`; 'answered'/'blank' take no operand."""

    field: str
    op: Literal["eq", "ne", "gt", "ge", "lt", "le", "in", "not_in", "contains", "answered", "blank"]
    value: ConditionValue = None
    other_field: str | None = None


class Question(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: QuestionType
    label_zh: str
    label_en: str
    unit_zh: str | None = None
    unit_en: str | None = None
    help_zh: str | None = None
    required: bool = False
    required_if: list[Condition] = Field(default_factory=list)  # all must hold
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    max_decimal_places: int | None = None
    min_date: str | None = None  # ISO dates
    max_date: str | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: list[Choice] = Field(default_factory=list)
    prefill_from_registry: str | None = None  # a registry fact, e.g. "name"
    carry_forward: bool = False  # prefill from last year's answer
    # Personal data of a natural person (a contact's name, phone, e-mail): stored encrypted.
    personal_data: bool = False

    @cached_property
    def choice_values(self) -> frozenset[str]:
        return frozenset(choice.value for choice in self.choices)


class Section(_Frozen):
    id: str
    title_zh: str
    title_en: str
    questions: list[Question]


class SumRule(_Frozen):
    """The parts must add up to the total (blank parts count as zero)."""

    kind: Literal["sum"]
    id: str
    total: str
    parts: list[str]
    tolerance: Decimal = Decimal(0)


class YearOnYearRule(_Frozen):
    """A change from last year beyond the bound must be explained in `explanation_field`."""

    kind: Literal["year_on_year"]
    id: str
    field: str
    max_change_ratio: Decimal  # 0.5 = ±50 %
    min_absolute_change: Decimal = Decimal(0)  # small numbers swing a lot: ignore tiny changes
    explanation_field: str


class ConsistencyRule(_Frozen):
    """When every `when` condition holds, every `then` condition must hold too."""

    kind: Literal["consistency"]
    id: str
    field: str  # where the problem is reported
    when: list[Condition] = Field(default_factory=list)
    then: list[Condition]
    message_zh: str
    message_en: str


Rule = Annotated[SumRule | YearOnYearRule | ConsistencyRule, Field(discriminator="kind")]


class FormDefinition(_Frozen):
    form_id: str
    version: str
    survey_year: int
    base_year: int  # 基期
    title_zh: str
    title_en: str
    sections: list[Section]
    rules: list[Rule] = Field(default_factory=list)

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Every question by id, in form order."""
        return {q.id: q for section in self.sections for q in section.questions}

    @model_validator(mode="after")
    def _check_integrity(self) -> FormDefinition:
        ids = [q.id for section in self.sections for q in section.questions]
        duplicates = sorted({qid for qid in ids if ids.count(qid) > 1})
        if duplicates:
            raise ValueError(f"duplicate question ids: {duplicates}")
        known = {q.id: q for section in self.sections for q in section.questions}
        for question in known.values():
            _check_question(question, known)
        for rule in self.rules:
            _check_rule(rule, known)
        return self


def _check_question(question: Question, known: dict[str, Question]) -> None:
    is_choice = question.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE)
    if is_choice != bool(question.choices):
        raise ValueError(f"{question.id}: choices are required for, and only for, choice types")
    for condition in question.required_if:
        _check_condition(condition, known, question.id)


def _check_rule(
    rule: SumRule | YearOnYearRule | ConsistencyRule, known: dict[str, Question]
) -> None:
    if isinstance(rule, SumRule):
        _require_numeric([rule.total, *rule.parts], known, rule.id)
    elif isinstance(rule, YearOnYearRule):
        _require_numeric([rule.field], known, rule.id)
        # Writes validate against last year's answers with its personal data still sealed.
        if known[rule.field].personal_data:
            raise ValueError(f"{rule.id}: a year-on-year rule cannot read personal data")
        explanation = known.get(rule.explanation_field)
        if explanation is None or explanation.type is not QuestionType.TEXT:
            raise ValueError(f"{rule.id}: explanation field must be a text question")
    else:
        _require_known([rule.field], known, rule.id)
        for condition in [*rule.when, *rule.then]:
            _check_condition(condition, known, rule.id)


def _check_condition(condition: Condition, known: dict[str, Question], owner: str) -> None:
    _require_known([condition.field], known, owner)
    if condition.other_field is not None:
        _require_known([condition.other_field], known, owner)


def _require_known(fields: list[str], known: dict[str, Question], owner: str) -> None:
    unknown = [name for name in fields if name not in known]
    if unknown:
        raise ValueError(f"{owner}: unknown question ids {unknown}")


def _require_numeric(fields: list[str], known: dict[str, Question], owner: str) -> None:
    _require_known(fields, known, owner)
    if not all(known[name].type.numeric for name in fields):
        raise ValueError(f"{owner}: rule fields must be integer or decimal questions")
