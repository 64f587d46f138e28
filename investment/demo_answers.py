"""Synthetic survey answers that pass the factory survey form: for the demo seed, tests, bench.

Nothing here names a real person: contacts are ``聯絡人<n>`` at example.com (RFC 2606).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any


def synthetic_answers(
    facts: Mapping[str, object], rand: random.Random, serial: int
) -> dict[str, Any]:
    """A complete, valid return for a factory with these registry facts."""
    employees = rand.randint(3, 400)
    male = rand.randint(0, employees)
    management, technical, other = employees // 10, employees // 5, employees // 20
    revenue = employees * rand.randint(800, 3000)
    export = int(revenue * rand.choice((0, 0, 0.2, 0.5)))
    answers: dict[str, Any] = {
        "factory_name": facts["name"],
        "business_id": facts["business_id"],
        "factory_address": facts["address"],
        "contact_name": f"聯絡人{serial}",
        "contact_phone": f"02-{rand.randint(20000000, 29999999)}",
        "contact_email": f"contact{serial}@example.com",
        "operating_status": "operating",
        "months_operated": 12,
        "revenue_total": revenue,
        "export_revenue": export,
        "employees_total": employees,
        "employees_male": male,
        "employees_female": employees - male,
        "employees_management": management,
        "employees_technical": technical,
        "employees_other": other,
        "employees_production": employees - management - technical - other,
        "main_products": facts.get("product_names") or "金屬製品",
        "electricity_kwh": employees * rand.randint(3000, 8000),
        "registry_changed": False,
    }
    if export > 0:
        answers["export_markets"] = ["asean"]
    return answers


def next_year_answers(previous: Mapping[str, Any], rand: random.Random) -> dict[str, Any]:
    """This year's return of a factory that changed little since ``previous``."""
    answers = dict(previous)
    growth = 1 + rand.uniform(-0.1, 0.1)
    answers["revenue_total"] = int(int(previous["revenue_total"]) * growth)
    answers["export_revenue"] = min(int(previous["export_revenue"]), answers["revenue_total"])
    answers["electricity_kwh"] = int(int(previous["electricity_kwh"]) * growth) + 1
    return answers
