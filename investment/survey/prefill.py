"""Prefill a draft return from registry facts and last year's answers.

Registry facts win for the questions that name one (the return calibrates the registry, and a
factory corrects it in 登記事項變更); other questions marked carry_forward take last year's
answer, but only if it is still valid on this year's form (a base-period revision may have
dropped a choice or tightened a range). Each prefilled answer records where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from investment.registry.records import FactoryRecord
from investment.survey.definition import FormDefinition, Question
from investment.survey.problems import Problem
from investment.survey.values import check_value, is_blank

__all__ = ["Draft", "prefill", "registry_facts"]

Source = Literal["registry", "last_year"]


@dataclass(frozen=True, slots=True)
class Draft:
    answers: dict[str, object]
    sources: dict[str, Source]


def registry_facts(record: FactoryRecord) -> dict[str, object]:
    """The facts a form may prefill from, by the names forms use in prefill_from_registry."""
    return {
        "registration_number": record.registration_number,
        "name": record.name,
        "business_id": record.business_id,
        "address": record.address,
        "county_name": record.county_name,
        "township": record.township,
        "organization_type": record.organization_type,
        "industry_codes": sorted(record.industry_codes),
        "product_names": "、".join(p.name or p.code for p in record.products),
    }


def prefill(
    form: FormDefinition, registry: Mapping[str, object], last_year: Mapping[str, object]
) -> Draft:
    answers: dict[str, object] = {}
    sources: dict[str, Source] = {}
    for question in form.questions.values():
        value, source = _prefilled(question, registry, last_year)
        if source is not None:
            answers[question.id], sources[question.id] = value, source
    return Draft(answers, sources)


def _prefilled(
    question: Question, registry: Mapping[str, object], last_year: Mapping[str, object]
) -> tuple[object, Source | None]:
    if question.prefill_from_registry is not None:
        fact = registry.get(question.prefill_from_registry)
        if not is_blank(fact) and _still_valid(question, fact):
            return fact, "registry"
    if question.carry_forward:
        previous = last_year.get(question.id)
        if not is_blank(previous) and _still_valid(question, previous):
            return _json_value(previous), "last_year"
    return None, None


def _still_valid(question: Question, raw: object) -> bool:
    return not isinstance(check_value(question, raw), Problem)


def _json_value(raw: object) -> object:
    return str(raw) if isinstance(raw, Decimal) else raw
