"""Survey forms (工廠校正及營運調查): definitions as data, validation, prefill.

A form is a JSON document (forms/*.json) parsed into pydantic models; `validate` returns every
problem of a return at once; `prefill` builds a draft from the registry and last year's answers.
"""

from investment.survey.definition import FormDefinition, Question, QuestionType, Section
from investment.survey.form_documents import builtin_form, builtin_form_names, parse_form
from investment.survey.prefill import Draft, prefill, registry_facts
from investment.survey.problems import Problem, ProblemCode
from investment.survey.validation import validate

__all__ = [
    "Draft",
    "FormDefinition",
    "Problem",
    "ProblemCode",
    "Question",
    "QuestionType",
    "Section",
    "builtin_form",
    "builtin_form_names",
    "parse_form",
    "prefill",
    "registry_facts",
    "validate",
]
