"""Survey validation against the 2026 form: every rule kind, all problems at once."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from pydantic import ValidationError

from investment.survey import Problem, ProblemCode, builtin_form, parse_form, validate

FORM = builtin_form("factory_survey-2026")
LAST_YEAR: dict[str, object] = {
    "revenue_total": 50000,
    "employees_total": 38,
    "electricity_kwh": 340000,
}


def good_return(**changes: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "factory_name": "鴻杰鐵工廠",
        "business_id": "00941143",
        "factory_address": "基隆市中正區和一路41巷4弄10號",
        "contact_name": "王小明",
        "contact_phone": "02-24621234",
        "operating_status": "operating",
        "months_operated": 12,
        "revenue_total": "52000",
        "export_revenue": 12000,
        "employees_total": 40,
        "employees_male": 25,
        "employees_female": 15,
        "employees_management": 5,
        "employees_technical": 8,
        "employees_production": 25,
        "employees_other": 2,
        "employees_foreign": 6,
        "main_products": "船舶機械零件",
        "capacity_utilization": "78.5",
        "export_markets": ["japan", "usa"],
        "electricity_kwh": 350000,
        "uses_renewable": False,
        "registry_changed": False,
    }
    answers.update(changes)
    return {key: value for key, value in answers.items() if value is not None}


def codes(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.field, p.code.value) for p in problems]


def test_the_2026_form_is_data_with_its_sections() -> None:
    assert (FORM.form_id, FORM.version, FORM.survey_year) == ("factory_survey", "2026.1", 2026)
    assert [s.title_zh for s in FORM.sections] == [
        "基本資料",
        "營運狀況",
        "員工人數",
        "產銷",
        "能源使用",
        "登記事項變更",
    ]
    assert FORM.questions["revenue_total"].unit_zh == "千元"


def test_a_good_return_has_no_problems() -> None:
    assert validate(FORM, good_return(), LAST_YEAR) == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("months_operated", "twelve", ProblemCode.NOT_INTEGER),
        ("months_operated", True, ProblemCode.NOT_INTEGER),
        ("months_operated", 13, ProblemCode.ABOVE_MAXIMUM),
        ("revenue_total", "-1", ProblemCode.BELOW_MINIMUM),
        ("revenue_total", "1.5", ProblemCode.TOO_MANY_DECIMALS),
        ("capacity_utilization", "abc", ProblemCode.NOT_DECIMAL),
        ("contact_phone", "hello", ProblemCode.PATTERN_MISMATCH),
        ("factory_name", "廠" * 101, ProblemCode.TOO_LONG),
        ("factory_name", 42, ProblemCode.NOT_TEXT),
        ("operating_status", "bankrupt", ProblemCode.NOT_A_CHOICE),
        ("export_markets", ["japan", "japan"], ProblemCode.NOT_A_CHOICE),
        ("export_markets", ["mars"], ProblemCode.NOT_A_CHOICE),
        ("uses_renewable", "yes", ProblemCode.NOT_BOOLEAN),
    ],
)
def test_value_problems(field: str, value: object, code: ProblemCode) -> None:
    problems = validate(FORM, good_return(**{field: value}), LAST_YEAR)
    assert codes(problems) == [(field, code.value)]
    assert problems[0].message_zh and problems[0].message_en


def test_dates() -> None:
    answers = good_return(operating_status="suspended", status_since="2026-13-01")
    assert codes(validate(FORM, answers, LAST_YEAR)) == [("status_since", "not_date")]
    answers["status_since"] = "2027-01-01"
    assert codes(validate(FORM, answers, LAST_YEAR)) == [("status_since", "above_maximum")]
    answers["status_since"] = "2025-10-01"
    assert validate(FORM, answers, LAST_YEAR) == []


def test_required_and_conditionally_required() -> None:
    answers = good_return(contact_name="  ", operating_status="suspended")
    assert codes(validate(FORM, answers, LAST_YEAR)) == [
        ("contact_name", "required"),
        ("status_since", "required"),  # required only when suspended or closed
    ]
    renewable = good_return(uses_renewable=True)
    assert codes(validate(FORM, renewable, LAST_YEAR)) == [("renewable_kwh", "required")]
    moved = good_return(registry_changed=True, change_types=["address"])
    assert codes(validate(FORM, moved, LAST_YEAR)) == [("new_address", "required")]
    moved["new_address"] = "基隆市七堵區工建路1號"
    assert validate(FORM, moved, LAST_YEAR) == []


def test_export_markets_required_only_with_export_revenue() -> None:
    assert codes(validate(FORM, good_return(export_markets=[]), LAST_YEAR)) == [
        ("export_markets", "required")
    ]
    assert validate(FORM, good_return(export_markets=None, export_revenue=0), LAST_YEAR) == []


def test_totals_must_add_up() -> None:
    problems = validate(FORM, good_return(employees_female=10), LAST_YEAR)
    assert [(p.field, p.code.value, p.rule_id) for p in problems] == [
        ("employees_total", "sum_mismatch", "employees_by_sex")
    ]
    assert "35" in problems[0].message_zh and "40" in problems[0].message_zh
    by_category = validate(FORM, good_return(employees_other=3), LAST_YEAR)
    assert [p.rule_id for p in by_category] == ["employees_by_category"]


def test_year_on_year_change_needs_an_explanation() -> None:
    answers = good_return(revenue_total=90000, export_revenue=1000)
    problems = validate(FORM, answers, LAST_YEAR)
    assert [(p.field, p.code.value, p.rule_id) for p in problems] == [
        ("change_explanation", "year_on_year_unexplained", "revenue_yoy")
    ]
    assert "+80.0%" in problems[0].message_zh and "±50%" in problems[0].message_zh
    answers["change_explanation"] = "新增船舶維修訂單"
    assert validate(FORM, answers, LAST_YEAR) == []
    # Without last year's answers (a new factory) there is nothing to compare with.
    assert validate(FORM, good_return(revenue_total=90000), None) == []


def test_year_on_year_small_absolute_changes_are_ignored() -> None:
    last_year = {"employees_total": 4}
    small = good_return(
        employees_total=12,
        employees_male=6,
        employees_female=6,
        employees_production=8,
        employees_technical=1,
        employees_management=1,
        employees_other=2,
        employees_foreign=0,
    )
    assert validate(FORM, small, last_year) == []  # +200 % but only 8 people
    assert codes(validate(FORM, good_return(), {"employees_total": 20})) == [
        ("change_explanation", "year_on_year_unexplained")
    ]


def test_consistency_rules() -> None:
    problems = validate(FORM, good_return(employees_foreign=41, export_revenue=60000), LAST_YEAR)
    assert [p.rule_id for p in problems] == ["foreign_within_total", "export_within_revenue"]
    closed = {
        **good_return(operating_status="closed", status_since="2025-12-31", registry_changed=True),
        "change_types": ["address"],
        "new_address": "x",
    }
    assert [p.rule_id for p in validate(FORM, closed, LAST_YEAR)] == [
        "closed_status_matches_change"
    ]
    no_power = validate(FORM, good_return(electricity_kwh=0), {})
    assert [p.rule_id for p in no_power] == ["operating_uses_electricity"]


def test_an_invalid_value_is_reported_once_not_by_every_rule() -> None:
    problems = validate(FORM, good_return(employees_total="many"), LAST_YEAR)
    assert codes(problems) == [("employees_total", "not_integer")]
    problems = validate(FORM, good_return(employees_male=-1, revenue_total="x"), LAST_YEAR)
    assert codes(problems) == [
        ("revenue_total", "not_decimal"),
        ("employees_male", "below_minimum"),
    ]


def test_every_problem_is_returned_at_once_in_a_stable_order() -> None:
    answers: dict[str, object] = {
        "factory_name": "",
        "business_id": "123",
        "operating_status": "operating",
        "months_operated": 20,
        "revenue_total": 200000,
        "employees_total": 10,
        "employees_male": 3,
        "employees_foreign": 11,
        "registry_changed": "no",
        "mystery": 1,
    }
    problems = validate(FORM, answers, LAST_YEAR)
    assert codes(problems) == [
        ("factory_name", "required"),
        ("business_id", "pattern_mismatch"),
        ("factory_address", "required"),
        ("contact_name", "required"),
        ("contact_phone", "required"),
        ("months_operated", "above_maximum"),
        ("main_products", "required"),
        ("electricity_kwh", "required"),
        ("registry_changed", "not_boolean"),
        ("mystery", "unknown_field"),
        ("employees_total", "sum_mismatch"),  # by category is not judged: no part given
        ("employees_foreign", "inconsistent"),
        ("change_explanation", "year_on_year_unexplained"),
        ("change_explanation", "year_on_year_unexplained"),
    ]
    assert validate(FORM, answers, LAST_YEAR) == problems


def _form_document() -> dict[str, Any]:
    text = resources.files("investment.survey").joinpath("forms", "factory_survey-2026.json")
    document: dict[str, Any] = json.loads(text.read_text("utf-8"))
    return document


def test_base_period_revision_changes_the_form_without_code() -> None:
    document = _form_document()
    document.update(version="2027.1", survey_year=2027, base_year=2026)
    employees = next(s for s in document["sections"] if s["id"] == "employees")
    employees["questions"].append(
        {
            "id": "employees_disabled",
            "type": "integer",
            "label_zh": "身心障礙員工",
            "label_en": "Employees with disabilities",
            "min_value": 0,
            "required": True,
        }
    )
    document["rules"] = [r for r in document["rules"] if r["id"] != "employees_by_sex"]
    revised = parse_form(json.dumps(document))
    answers = good_return(employees_female=1)
    assert codes(validate(revised, answers, LAST_YEAR)) == [("employees_disabled", "required")]
    assert [p.rule_id for p in validate(FORM, answers, LAST_YEAR)] == ["employees_by_sex"]


def _personal_year_on_year(document: dict[str, Any]) -> None:
    """A year-on-year rule on a figure marked personal data (writes keep last year's sealed)."""
    rule = next(r for r in document["rules"] if r["kind"] == "year_on_year")
    for section in document["sections"]:
        for question in section["questions"]:
            if question["id"] == rule["field"]:
                question["personal_data"] = True


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["rules"].append({**d["rules"][0], "id": "x", "total": "nope"}), "unknown"),
        (
            lambda d: d["sections"][0]["questions"].append(d["sections"][0]["questions"][0]),
            "duplicate",
        ),
        (
            lambda d: d["rules"].append({**d["rules"][0], "id": "y", "total": "factory_name"}),
            "integer",
        ),
        (_personal_year_on_year, "personal data"),
    ],
)
def test_unsound_forms_are_refused(mutate: Any, message: str) -> None:
    document = _form_document()
    mutate(document)
    with pytest.raises(ValidationError, match=message):
        parse_form(json.dumps(document))
