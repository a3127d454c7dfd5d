"""Business-hours arithmetic for SLA due times: properties (hypothesis) and worked examples."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionline.appeals.config import AppealSettings
from unionline.appeals.sla import (
    Calendar,
    add_business_hours,
    add_business_time,
    business_time_between,
    is_working_time,
)

MOSCOW = Calendar()


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    start = draw(st.integers(0, 22))
    end = draw(st.integers(start + 1, 23))
    days = draw(st.frozensets(st.integers(1, 7), min_size=1))
    holidays = draw(st.frozensets(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=20))
    zone = draw(st.sampled_from(["Europe/Moscow", "Europe/Berlin", "Asia/Vladivostok", "UTC"]))
    return Calendar(zone, time(start, draw(st.sampled_from([0, 30]))), time(end), days, holidays)


moments = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC))
durations = st.integers(0, 60 * 24 * 30).map(lambda m: timedelta(minutes=m))
positive = st.integers(1, 60 * 24 * 30).map(lambda m: timedelta(minutes=m))


def at_period_end(calendar: Calendar, moment: datetime) -> bool:
    day = moment.astimezone(calendar.tz).date()
    return calendar.is_workday(day) and calendar.period(day)[1] == moment


@given(calendars(), moments, positive)
def test_due_time_is_never_in_non_working_time(
    calendar: Calendar, start: datetime, duration: timedelta
) -> None:
    due = add_business_time(calendar, start, duration)
    assert due > start
    assert is_working_time(calendar, due) or at_period_end(calendar, due)


@given(calendars(), moments, durations, durations)
def test_adding_is_additive(
    calendar: Calendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    stepwise = add_business_time(calendar, add_business_time(calendar, start, a), b)
    assert stepwise == add_business_time(calendar, start, a + b)


@given(calendars(), moments, moments, durations, durations)
def test_adding_is_monotonic(
    calendar: Calendar, s1: datetime, s2: datetime, a: timedelta, b: timedelta
) -> None:
    s1, s2 = sorted((s1, s2))
    a, b = sorted((a, b))
    assert add_business_time(calendar, s1, a) <= add_business_time(calendar, s1, b)
    assert add_business_time(calendar, s1, a) <= add_business_time(calendar, s2, a)


@given(calendars(), moments, durations)
def test_between_inverts_adding(calendar: Calendar, start: datetime, duration: timedelta) -> None:
    due = add_business_time(calendar, start, duration)
    assert business_time_between(calendar, start, due) == duration


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MOSCOW.tz)


def test_worked_examples_in_moscow() -> None:
    # Friday 17:00 + 2 business hours: one hour on Friday, one on Monday morning.
    assert add_business_hours(MOSCOW, msk(2026, 3, 6, 17), 2) == msk(2026, 3, 9, 10)
    # Written on Saturday night: the clock starts on Monday at 09:00.
    assert add_business_hours(MOSCOW, msk(2026, 3, 7, 23), 4) == msk(2026, 3, 9, 13)
    # A full day ends at 18:00, not at 09:00 the next morning.
    assert add_business_hours(MOSCOW, msk(2026, 3, 2, 9), 9) == msk(2026, 3, 2, 18)
    holidays = Calendar(holidays=frozenset({date(2026, 3, 9)}))
    assert add_business_hours(holidays, msk(2026, 3, 6, 17), 2) == msk(2026, 3, 10, 10)
    assert business_time_between(MOSCOW, msk(2026, 3, 6, 17), msk(2026, 3, 9, 10)) == timedelta(
        hours=2
    )
    assert not is_working_time(MOSCOW, msk(2026, 3, 2, 18))
    assert is_working_time(MOSCOW, msk(2026, 3, 2, 9))


def test_bad_calendars_are_refused() -> None:
    with pytest.raises(ValueError):
        add_business_hours(MOSCOW, datetime(2026, 3, 2, 9), 1)  # naive
    with pytest.raises(ValueError):
        add_business_hours(MOSCOW, msk(2026, 3, 2, 9), -1)
    every_day_off = Calendar(
        workdays=frozenset({1}),
        holidays=frozenset(date(2026, 1, 5) + timedelta(weeks=w) for w in range(600)),
    )
    with pytest.raises(ValueError, match="no working time"):
        add_business_hours(every_day_off, msk(2026, 1, 1, 9), 1)


def test_settings_section_validates() -> None:
    settings = msgspec.convert({"work_start": "08:30", "holidays": ["2026-05-01"]}, AppealSettings)
    calendar = settings.calendar("Europe/Moscow")
    assert calendar.work_start == time(8, 30) and date(2026, 5, 1) in calendar.holidays
    for bad in (
        {"work_start": "18:00", "work_end": "09:00"},
        {"work_start": "9"},
        {"workdays": []},
        {"workdays": [8]},
        {"reopen_window_days": -1},
    ):
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert(bad, AppealSettings)
