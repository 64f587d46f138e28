"""Cross-field rules: totals that add up, explained year-on-year changes, consistency."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal

from investment.survey.conditions import all_hold
from investment.survey.definition import (
    ConsistencyRule,
    FormDefinition,
    SumRule,
    YearOnYearRule,
)
from investment.survey.problems import Problem, ProblemCode
from investment.survey.values import Typed, check_value, is_blank

__all__ = ["check_rule", "referenced_fields"]


def check_rule(
    form: FormDefinition,
    rule: SumRule | YearOnYearRule | ConsistencyRule,
    typed: Mapping[str, Typed],
    invalid: Collection[str],
    last_year: Mapping[str, object],
) -> Problem | None:
    """The rule's problem, if any; a rule that reads an invalid answer is skipped (that answer
    already has its own problem, and the rule cannot be judged on it)."""
    if invalid and any(field in invalid for field in referenced_fields(rule)):
        return None
    if isinstance(rule, SumRule):
        return _sum(form, rule, typed)
    if isinstance(rule, YearOnYearRule):
        return _year_on_year(form, rule, typed, last_year)
    return _consistency(rule, typed)


def referenced_fields(rule: SumRule | YearOnYearRule | ConsistencyRule) -> tuple[str, ...]:
    if isinstance(rule, SumRule):
        return (rule.total, *rule.parts)
    if isinstance(rule, YearOnYearRule):
        return (rule.field, rule.explanation_field)
    conditions = [*rule.when, *rule.then]
    return (
        rule.field,
        *(c.field for c in conditions),
        *(c.other_field for c in conditions if c.other_field is not None),
    )


def _number(typed: Mapping[str, Typed], field: str) -> Decimal | None:
    value = typed.get(field)
    return (
        Decimal(value) if isinstance(value, int | Decimal) and not isinstance(value, bool) else None
    )


def _sum(form: FormDefinition, rule: SumRule, typed: Mapping[str, Typed]) -> Problem | None:
    total = _number(typed, rule.total)
    parts = [_number(typed, part) for part in rule.parts]
    if total is None or all(part is None for part in parts):
        return None  # nothing to add up yet; `required` reports the blanks
    added = sum((part or Decimal(0) for part in parts), Decimal(0))
    if abs(added - total) <= rule.tolerance:
        return None
    labels = form.questions
    names_zh = "＋".join(f"「{labels[p].label_zh}」" for p in rule.parts)
    names_en = " + ".join(labels[p].label_en for p in rule.parts)
    return Problem(
        rule.total,
        ProblemCode.SUM_MISMATCH,
        f"{names_zh}合計 {added}，應等於「{labels[rule.total].label_zh}」{total}。",
        f"{names_en} add up to {added} but {labels[rule.total].label_en} is {total}.",
        rule.id,
    )


def _year_on_year(
    form: FormDefinition,
    rule: YearOnYearRule,
    typed: Mapping[str, Typed],
    last_year: Mapping[str, object],
) -> Problem | None:
    current = _number(typed, rule.field)
    previous = _last_year_number(form, rule.field, last_year)
    if current is None or previous is None or _explained(typed, rule.explanation_field):
        return None
    change = current - previous
    if (
        abs(change) < rule.min_absolute_change
        or abs(change) <= abs(previous) * rule.max_change_ratio
    ):
        return None
    field, explanation = form.questions[rule.field], form.questions[rule.explanation_field]
    ratio = "新增" if previous == 0 else f"{change / abs(previous):+.1%}"
    ratio_en = "from zero" if previous == 0 else f"{change / abs(previous):+.1%}"
    bound = f"±{rule.max_change_ratio:.0%}"
    return Problem(
        rule.explanation_field,
        ProblemCode.YEAR_ON_YEAR_UNEXPLAINED,
        f"「{field.label_zh}」較去年變動 {ratio}（去年 {previous}，今年 {current}），"
        f"超過 {bound}，請於「{explanation.label_zh}」說明原因。",
        f"{field.label_en} changed {ratio_en} on last year ({previous} -> {current}), beyond "
        f"{bound}; explain it in {explanation.label_en}.",
        rule.id,
    )


def _last_year_number(
    form: FormDefinition, field: str, last_year: Mapping[str, object]
) -> Decimal | None:
    raw = last_year.get(field)
    if is_blank(raw):
        return None
    value = check_value(form.questions[field], raw)
    return (
        Decimal(value) if isinstance(value, int | Decimal) and not isinstance(value, bool) else None
    )


def _explained(typed: Mapping[str, Typed], explanation_field: str) -> bool:
    return isinstance(typed.get(explanation_field), str)


def _consistency(rule: ConsistencyRule, typed: Mapping[str, Typed]) -> Problem | None:
    if not all_hold(rule.when, typed) or all_hold(rule.then, typed):
        return None
    return Problem(rule.field, ProblemCode.INCONSISTENT, rule.message_zh, rule.message_en, rule.id)
