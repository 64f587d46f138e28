"""validate(form, answers, last_year_answers) -> every Problem of a return, at once.

Three passes, each in form order, so the result is deterministic: (1) each answered question's
type, range and format; (2) required and conditionally required questions that are blank, plus
answers to questions the form does not have; (3) cross-field rules on the valid answers only,
so one wrong value is reported once, not again by every rule that reads it.
"""

from __future__ import annotations

from collections.abc import Mapping

from investment.survey.conditions import all_hold
from investment.survey.definition import FormDefinition, Question
from investment.survey.problems import Problem, ProblemCode
from investment.survey.rules import check_rule
from investment.survey.values import Typed, check_value, is_blank

__all__ = ["typed_answers", "validate"]


def validate(
    form: FormDefinition,
    answers: Mapping[str, object],
    last_year_answers: Mapping[str, object] | None = None,
) -> list[Problem]:
    typed, value_problems, blank = _check_answers(form, answers)
    problems: list[Problem] = []
    for question in form.questions.values():
        problem = value_problems.get(question.id)
        if problem is None and question.id in blank:
            problem = _required(question, typed)
        if problem is not None:
            problems.append(problem)
    if len(answers) > len(typed) + len(value_problems):
        problems.extend(_unknown(form, answers))
    for rule in form.rules:
        rule_problem = check_rule(form, rule, typed, value_problems, last_year_answers or {})
        if rule_problem is not None:
            problems.append(rule_problem)
    return problems


def typed_answers(
    form: FormDefinition, answers: Mapping[str, object]
) -> tuple[dict[str, Typed], dict[str, Problem]]:
    """Valid answers as typed values, and the problem of each invalid one."""
    typed, problems, _ = _check_answers(form, answers)
    return typed, problems


def _check_answers(
    form: FormDefinition, answers: Mapping[str, object]
) -> tuple[dict[str, Typed], dict[str, Problem], set[str]]:
    typed: dict[str, Typed] = {}
    problems: dict[str, Problem] = {}
    blank: set[str] = set()
    for qid, question in form.questions.items():
        raw = answers.get(qid)
        if is_blank(raw):
            blank.add(qid)
            continue
        value = check_value(question, raw)
        if isinstance(value, Problem):
            problems[qid] = value
        else:
            typed[qid] = value
    return typed, problems, blank


def _required(question: Question, typed: Mapping[str, Typed]) -> Problem | None:
    if question.required or (question.required_if and all_hold(question.required_if, typed)):
        return Problem(
            question.id,
            ProblemCode.REQUIRED,
            f"「{question.label_zh}」為必填。",
            f"{question.label_en} is required.",
        )
    return None


def _unknown(form: FormDefinition, answers: Mapping[str, object]) -> list[Problem]:
    return [
        Problem(
            field,
            ProblemCode.UNKNOWN_FIELD,
            f"本表（{form.form_id} 第 {form.version} 版）沒有「{field}」這一題。",
            f"Form {form.form_id} version {form.version} has no question {field!r}.",
        )
        for field in sorted(set(answers) - form.questions.keys())
    ]
