"""What every decision-support answer carries: how it was computed, from which open data."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PARK_SOURCE", "REGISTRY_SOURCE", "Explanation"]

REGISTRY_SOURCE = "經濟部 工廠登記資料 (data.gov.tw dataset 6569)"
PARK_SOURCE = "經濟部產業園區管理局／產業發展署 產業園區資料"


@dataclass(frozen=True, slots=True)
class Explanation:
    """A plain-language summary plus the steps and numbers, enough to recompute the answer."""

    summary_zh: str
    summary_en: str
    steps: tuple[str, ...]
    sources: tuple[str, ...]
