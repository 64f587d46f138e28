"""The catalogue of decision-support items (投資招商輔助決策項目).

Each item is one module of this package that defines `ITEM: DecisionItem` and its function;
the catalogue finds them, so adding an item is adding one module.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache

__all__ = ["DecisionItem", "catalogue", "item"]


@dataclass(frozen=True, slots=True)
class DecisionItem:
    item_id: str
    title_zh: str
    title_en: str
    method_zh: str
    method_en: str
    sources: tuple[str, ...]


@cache
def catalogue() -> tuple[DecisionItem, ...]:
    """Every item, ordered by id."""
    items = []
    for module_info in pkgutil.iter_modules(_package_path()):
        module = importlib.import_module(f"{__package__}.{module_info.name}")
        found = getattr(module, "ITEM", None)
        if isinstance(found, DecisionItem):
            items.append(found)
    return tuple(sorted(items, key=lambda entry: entry.item_id))


def item(item_id: str) -> DecisionItem:
    for entry in catalogue():
        if entry.item_id == item_id:
            return entry
    raise KeyError(item_id)


def _package_path() -> list[str]:
    package = importlib.import_module(__package__ or "investment.decision")
    return list(package.__path__)
