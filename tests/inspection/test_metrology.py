"""Metrology: the legal list, sticker validity and type-approval renewal reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from inspection.domain.calendar_shift import shift_months, shift_years
from inspection.domain.metrology_instruments import (
    LEGAL_INSTRUMENTS,
    InstrumentKind,
    parse_instrument_kind,
)
from inspection.domain.metrology_validity import (
    DEFAULT_PERIODS,
    ValidityPeriod,
    renewal_reminder_date,
    renewal_reminder_due,
    reverification_apply_by,
    sticker_status,
    sticker_valid_until,
)
from inspection.domain.status import CertificateStatus

TAIPEI = timezone(timedelta(hours=8))


def test_the_legal_list_covers_every_kind_and_flags_items_beyond_the_excerpt() -> None:
    assert set(LEGAL_INSTRUMENTS) == set(InstrumentKind) == set(DEFAULT_PERIODS)
    unsourced = {k for k, entry in LEGAL_INSTRUMENTS.items() if not entry.in_source_excerpt}
    assert unsourced == {
        InstrumentKind.SPEED_METER,
        InstrumentKind.BREATH_ALCOHOL_TESTER,
        InstrumentKind.EV_CHARGER,
    }
    assert LEGAL_INSTRUMENTS[InstrumentKind.TAXI_METER].name_zh == "計程車計費表"


def test_only_the_taxi_meter_period_is_confirmed() -> None:
    confirmed = {k for k, period in DEFAULT_PERIODS.items() if period.confirmed}
    assert confirmed == {InstrumentKind.TAXI_METER}
    assert DEFAULT_PERIODS[InstrumentKind.TAXI_METER].years == 2


def test_parse_instrument_kind() -> None:
    assert parse_instrument_kind(" 水量計 ") is InstrumentKind.WATER_METER
    assert parse_instrument_kind("fuel_dispenser") is InstrumentKind.FUEL_DISPENSER
    with pytest.raises(ValueError, match="not a legal instrument kind"):
        parse_instrument_kind("體重計")  # bathroom scales are excluded by art. 3


@pytest.mark.parametrize(
    ("verified_on", "until"),
    [
        (date(2025, 3, 10), date(2027, 3, 9)),
        (date(2024, 2, 29), date(2026, 2, 27)),  # no 29 February in 2026: 28th, minus one day
        (date(2025, 1, 1), date(2026, 12, 31)),
    ],
)
def test_taxi_meter_sticker_holds_through_the_eve_of_the_anniversary(
    verified_on: date, until: date
) -> None:
    assert sticker_valid_until(InstrumentKind.TAXI_METER, verified_on) == until


def test_sticker_status_at_the_taipei_boundaries() -> None:
    kind, verified = InstrumentKind.TAXI_METER, date(2025, 3, 10)
    last = datetime(2027, 3, 9, 23, 59, tzinfo=TAIPEI)
    assert sticker_status(kind, verified, last) is CertificateStatus.VALID
    assert sticker_status(kind, verified, datetime(2027, 3, 9, 16, 0, tzinfo=UTC)) is (
        CertificateStatus.EXPIRED
    )
    before = datetime(2025, 3, 9, 15, 59, tzinfo=UTC)  # 23:59 on 03-09 in Taipei
    assert sticker_status(kind, verified, before) is CertificateStatus.NOT_YET_VALID


def test_periods_are_configuration_and_none_means_no_fixed_period() -> None:
    periods = {**DEFAULT_PERIODS, InstrumentKind.WATER_METER: ValidityPeriod(5, confirmed=True)}
    assert sticker_valid_until(InstrumentKind.WATER_METER, date(2025, 1, 1), periods) == date(
        2029, 12, 31
    )
    assert sticker_valid_until(InstrumentKind.EV_CHARGER, date(2025, 1, 1)) is None
    far = datetime(2090, 1, 1, tzinfo=TAIPEI)
    assert sticker_status(InstrumentKind.EV_CHARGER, date(2025, 1, 1), far) is (
        CertificateStatus.VALID
    )


def test_fuel_dispensers_apply_ten_days_before_the_end() -> None:
    end = date(2027, 3, 9)
    assert reverification_apply_by(InstrumentKind.FUEL_DISPENSER, end) == date(2027, 2, 27)
    assert reverification_apply_by(InstrumentKind.TAXI_METER, end) == end


@pytest.mark.parametrize(
    ("expires", "reminder"),
    [
        (date(2026, 12, 31), date(2026, 6, 30)),
        (date(2026, 8, 31), date(2026, 2, 28)),
        (date(2028, 8, 29), date(2028, 2, 29)),
        (date(2026, 3, 15), date(2025, 9, 15)),
    ],
)
def test_renewal_reminder_is_six_months_before_expiry(expires: date, reminder: date) -> None:
    assert renewal_reminder_date(expires) == reminder


def test_renewal_reminder_is_due_from_its_date_through_expiry() -> None:
    expires = date(2026, 12, 31)
    assert not renewal_reminder_due(expires, datetime(2026, 6, 29, 12, tzinfo=TAIPEI))
    assert renewal_reminder_due(expires, datetime(2026, 6, 29, 16, 0, tzinfo=UTC))  # 06-30 Taipei
    assert renewal_reminder_due(expires, datetime(2026, 12, 31, 23, 59, tzinfo=TAIPEI))
    assert not renewal_reminder_due(expires, datetime(2027, 1, 1, tzinfo=TAIPEI))


def test_calendar_shift_clamps_to_month_end() -> None:
    assert shift_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert shift_months(date(2025, 3, 31), -13) == date(2024, 2, 29)
    assert shift_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
