"""Verification sticker validity (檢定合格有效期間) and type-approval renewal reminders.

Periods per instrument kind are CONFIGURATION, not law we could confirm: only the taxi meter's
2 years is confirmed (BSMI data note and a metrology-society page). The rest are placeholders
taken from common practice and marked ``confirmed=False``; the service passes its own table
(from settings) once the 度量衡器檢定檢查辦法 annex has been checked. ``None`` years means the
kind has no fixed period (verified once, then inspected in use).

Our counting rule: a sticker issued on day D for N years is valid through the day before the
same date N years later (clamped for 29 February), inclusive, in Asia/Taipei. Fuel dispensers
must be re-verified on an application filed at least 10 days before the period ends
(加油站及油庫油量計檢定執行作業要點 point 3). A type-approval certificate's renewal reminder
falls 6 months before its expiry date (the issue's requirement), clamped to month end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

from inspection.domain.calendar_shift import shift_months, shift_years
from inspection.domain.metrology_instruments import InstrumentKind
from inspection.domain.status import CertificateStatus
from inspection.domain.taipei_time import taipei_date

__all__ = [
    "DEFAULT_PERIODS",
    "FUEL_DISPENSER_APPLY_DAYS_BEFORE",
    "RENEWAL_REMINDER_MONTHS",
    "ValidityPeriod",
    "renewal_reminder_date",
    "renewal_reminder_due",
    "reverification_apply_by",
    "sticker_status",
    "sticker_valid_until",
]

RENEWAL_REMINDER_MONTHS = 6
FUEL_DISPENSER_APPLY_DAYS_BEFORE = 10


@dataclass(frozen=True, slots=True)
class ValidityPeriod:
    """How long a verification holds for one kind, and whether we confirmed it."""

    years: int | None
    confirmed: bool


def _guess(years: int | None) -> ValidityPeriod:
    return ValidityPeriod(years, confirmed=False)


DEFAULT_PERIODS: Mapping[InstrumentKind, ValidityPeriod] = MappingProxyType(
    {
        InstrumentKind.TAXI_METER: ValidityPeriod(2, confirmed=True),
        InstrumentKind.NON_AUTOMATIC_WEIGHING: _guess(2),
        InstrumentKind.AUTOMATIC_GRAVIMETRIC_FILLING: _guess(2),
        InstrumentKind.DISCONTINUOUS_TOTALIZING: _guess(2),
        InstrumentKind.SPHYGMOMANOMETER: _guess(2),
        InstrumentKind.LIQUID_MEASURE: _guess(5),
        InstrumentKind.DIAPHRAGM_GAS_METER: _guess(10),
        InstrumentKind.WATER_METER: _guess(8),
        InstrumentKind.FUEL_DISPENSER: _guess(2),
        InstrumentKind.LPG_FLOW_METER: _guess(2),
        InstrumentKind.ELECTRICITY_METER: _guess(8),
        InstrumentKind.SPEED_METER: _guess(1),
        InstrumentKind.BREATH_ALCOHOL_TESTER: _guess(1),
        InstrumentKind.EV_CHARGER: _guess(None),
    }
)


def sticker_valid_until(
    kind: InstrumentKind,
    verified_on: date,
    periods: Mapping[InstrumentKind, ValidityPeriod] = DEFAULT_PERIODS,
) -> date | None:
    """The last day the sticker holds, or None when the kind has no fixed period."""
    years = periods[kind].years
    if years is None:
        return None
    return shift_years(verified_on, years) - timedelta(days=1)


def sticker_status(
    kind: InstrumentKind,
    verified_on: date,
    at: datetime,
    periods: Mapping[InstrumentKind, ValidityPeriod] = DEFAULT_PERIODS,
) -> CertificateStatus:
    """Valid, expired or not yet valid at ``at`` (Taipei dates, both ends inclusive)."""
    today = taipei_date(at)
    until = sticker_valid_until(kind, verified_on, periods)
    if today < verified_on:
        return CertificateStatus.NOT_YET_VALID
    if until is not None and today > until:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


def reverification_apply_by(kind: InstrumentKind, valid_until: date) -> date:
    """The last day to apply for re-verification without a gap in lawful use."""
    if kind is InstrumentKind.FUEL_DISPENSER:
        return valid_until - timedelta(days=FUEL_DISPENSER_APPLY_DAYS_BEFORE)
    return valid_until


def renewal_reminder_date(expires_on: date) -> date:
    """When to remind the holder of a type-approval certificate: 6 months before expiry."""
    return shift_months(expires_on, -RENEWAL_REMINDER_MONTHS)


def renewal_reminder_due(expires_on: date, at: datetime) -> bool:
    """True from the reminder date through the expiry date (Taipei), for the scheduled job."""
    return renewal_reminder_date(expires_on) <= taipei_date(at) <= expires_on
