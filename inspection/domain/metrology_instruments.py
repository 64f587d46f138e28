"""Legal measuring instruments that must be verified (應經檢定之法定度量衡器).

Source: 度量衡器檢定檢查辦法 art. 3, read in ../shared/data/bsmi/legal_metrology_instruments.json
(whose excerpt is cut short after the 電度表 exclusions; the file itself says so) and the same
article's text on a law-mirror page, which lists items 1-5 with the same scope. Items after 5 are
NOT in either excerpt: speed meters and breath-alcohol testers are named as verified instruments
on an explainer page quoting BSMI; the EV-charging item is UNVERIFIED. Confirm all on
law.moj.gov.tw before relying on the list legally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = ["LEGAL_INSTRUMENTS", "InstrumentKind", "LegalInstrument", "parse_instrument_kind"]


class InstrumentKind(StrEnum):
    """One kind of legal instrument."""

    TAXI_METER = "taxi_meter"
    NON_AUTOMATIC_WEIGHING = "non_automatic_weighing"
    AUTOMATIC_GRAVIMETRIC_FILLING = "automatic_gravimetric_filling"
    DISCONTINUOUS_TOTALIZING = "discontinuous_totalizing"
    SPHYGMOMANOMETER = "sphygmomanometer"
    LIQUID_MEASURE = "liquid_measure"
    DIAPHRAGM_GAS_METER = "diaphragm_gas_meter"
    WATER_METER = "water_meter"
    FUEL_DISPENSER = "fuel_dispenser"
    LPG_FLOW_METER = "lpg_flow_meter"
    ELECTRICITY_METER = "electricity_meter"
    SPEED_METER = "speed_meter"
    BREATH_ALCOHOL_TESTER = "breath_alcohol_tester"
    EV_CHARGER = "ev_charger"


@dataclass(frozen=True, slots=True)
class LegalInstrument:
    """An entry of the legal list, with the article item it comes from."""

    kind: InstrumentKind
    item: str  # article 3 item, e.g. "2" or "4(3)"
    name_zh: str
    name_en: str
    in_source_excerpt: bool  # False: beyond the truncated excerpt, to be confirmed


def _entry(
    kind: InstrumentKind, item: str, zh: str, en: str, *, sourced: bool = True
) -> tuple[InstrumentKind, LegalInstrument]:
    return kind, LegalInstrument(kind, item, zh, en, sourced)


LEGAL_INSTRUMENTS: Mapping[InstrumentKind, LegalInstrument] = MappingProxyType(
    dict(
        [
            _entry(InstrumentKind.TAXI_METER, "1", "計程車計費表", "taxi meter"),
            _entry(
                InstrumentKind.NON_AUTOMATIC_WEIGHING,
                "2",
                "非自動衡器",
                "non-automatic weighing instrument",
            ),
            _entry(
                InstrumentKind.AUTOMATIC_GRAVIMETRIC_FILLING,
                "2",
                "重力式自動裝料衡器",
                "automatic gravimetric filling instrument",
            ),
            _entry(
                InstrumentKind.DISCONTINUOUS_TOTALIZING,
                "2",
                "非連續累計自動衡器",
                "discontinuous totalizing automatic weighing instrument",
            ),
            _entry(
                InstrumentKind.SPHYGMOMANOMETER,
                "3",
                "非侵入式機械血壓計",
                "non-invasive mechanical sphygmomanometer",
            ),
            _entry(InstrumentKind.LIQUID_MEASURE, "4(1)", "液體用量器", "liquid measure (tank)"),
            _entry(InstrumentKind.DIAPHRAGM_GAS_METER, "4(2)", "膜式氣量計", "diaphragm gas meter"),
            _entry(InstrumentKind.WATER_METER, "4(3)", "水量計", "water meter"),
            _entry(
                InstrumentKind.FUEL_DISPENSER, "4(4)", "燃油交易用油量計", "fuel dispenser meter"
            ),
            _entry(InstrumentKind.LPG_FLOW_METER, "4(5)", "液化石油氣流量計", "LPG flow meter"),
            _entry(InstrumentKind.ELECTRICITY_METER, "5", "電度表", "electricity meter"),
            _entry(InstrumentKind.SPEED_METER, "6?", "速度計", "speed meter", sourced=False),
            _entry(
                InstrumentKind.BREATH_ALCOHOL_TESTER,
                "7?",
                "呼氣酒精測試器及分析儀",
                "breath alcohol tester and analyser",
                sourced=False,
            ),
            _entry(
                InstrumentKind.EV_CHARGER,
                "?",
                "電動車輛供電設備",
                "electric vehicle supply equipment",
                sourced=False,
            ),
        ]
    )
)


def parse_instrument_kind(text: str) -> InstrumentKind:
    """A kind from its identifier or Chinese name; ValueError naming the choices otherwise."""
    key = text.strip()
    for instrument in LEGAL_INSTRUMENTS.values():
        if key in (instrument.kind.value, instrument.name_zh):
            return instrument.kind
    raise ValueError(f"{text!r} is not a legal instrument kind; see LEGAL_INSTRUMENTS")
