"""Evaluate a Condition against typed answers. A condition on a blank or invalid answer is
false (except 'blank'), so one bad answer does not cascade into rule problems."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from investment.survey.definition import Condition, ConditionValue
from investment.survey.values import Typed

__all__ = ["all_hold", "holds"]

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


def all_hold(conditions: list[Condition], typed: Mapping[str, Typed]) -> bool:
    return all(holds(condition, typed) for condition in conditions)


def holds(condition: Condition, typed: Mapping[str, Typed]) -> bool:
    if condition.op == "answered":
        return condition.field in typed
    if condition.op == "blank":
        return condition.field not in typed
    left = typed.get(condition.field)
    if left is None:
        return False
    if condition.other_field is not None:
        right = typed.get(condition.other_field)
        return right is not None and _compare(condition.op, left, right)
    return _compare(condition.op, left, _operand(left, condition.value))


def _operand(left: Typed, value: ConditionValue) -> object:
    """Bring the JSON operand to the answer's type (numbers as Decimal, dates parsed)."""
    if isinstance(left, bool) or value is None or isinstance(value, list):
        return value
    if isinstance(left, int | Decimal):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return value
    if isinstance(left, dt.date) and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _compare(op: str, left: object, right: object) -> bool:
    if op == "eq":
        return left == right
    if op == "ne":
        return left != right
    if op in ("in", "not_in"):
        inside = isinstance(right, list) and left in right
        return inside if op == "in" else not inside
    if op == "contains":
        return isinstance(left, frozenset) and right in left
    try:
        return _ORDER[op](left, right)
    except TypeError:
        return False
