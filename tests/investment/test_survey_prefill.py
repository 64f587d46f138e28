"""Prefill a draft from the registry and last year's answers."""

from __future__ import annotations

from pathlib import Path

from investment.registry import parse_registry_file
from investment.survey import builtin_form, prefill, registry_facts, validate

SAMPLE = Path(__file__).parent / "data" / "factory_registry_sample_redacted.csv"
FORM = builtin_form("factory_survey-2026")


def test_draft_from_registry_and_last_year() -> None:
    record = next(
        r for r in parse_registry_file(SAMPLE).records if r.registration_number == "96200001"
    )
    last_year = {
        "factory_name": "舊名稱",  # the registry wins for registry-backed questions
        "contact_name": "陳小姐",
        "employees_total": 30,
        "export_markets": ["japan", "moon"],  # no longer valid on this form: dropped
        "revenue_total": 1000,  # not carried forward: it is this year's figure
        "retired_question": "x",
    }
    draft = prefill(FORM, registry_facts(record), last_year)
    assert draft.answers == {
        "factory_name": "馬祖酒廠實業股份有限公司南竿廠",
        "business_id": "16845434",
        "factory_address": "連江縣南竿鄉復興村208號",
        "contact_name": "陳小姐",
        "employees_total": 30,
        "main_products": "酒精飲料、非酒精飲料",
    }
    assert draft.sources["factory_name"] == "registry"
    assert draft.sources["contact_name"] == "last_year"
    # The draft is only a start: validation still lists what is missing.
    missing = {p.field for p in validate(FORM, draft.answers, last_year)}
    assert {"operating_status", "contact_phone", "registry_changed"} <= missing
