"""The working-day calendar without a database: the Russian production calendar against the
official one, and the arithmetic's invariants (hypothesis) over production calendars,
overrides and time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionline.calendar import Override, WorkCalendar, production_day

RU = WorkCalendar(production="RU")
MSK = ZoneInfo("Europe/Moscow")

# The official production calendar (40-hour week): working days and norm hours per month.
MONTHS = {
    2025: [
        (17, 136),
        (20, 160),
        (21, 167),
        (22, 175),
        (18, 144),
        (19, 151),
        (23, 184),
        (21, 168),
        (22, 176),
        (23, 184),
        (19, 151),
        (22, 176),
    ],
    2026: [
        (15, 120),
        (19, 152),
        (21, 168),
        (22, 175),
        (19, 151),
        (21, 167),
        (23, 184),
        (21, 168),
        (22, 176),
        (22, 176),
        (20, 159),
        (22, 176),
    ],
}
# Working days and the 40-hour norm of whole years.
YEARS = {
    2015: (247, 1971),
    2016: (247, 1974),
    2017: (247, 1973),
    2018: (247, 1970),
    2019: (247, 1970),
    2020: (248, 1979),
    2021: (247, 1972),
    2022: (247, 1973),
    2023: (247, 1973),
    2024: (248, 1979),
    2025: (247, 1972),
    2026: (247, 1972),
    2027: (247, 1972),
}
PRE_HOLIDAYS = {
    2024: ["2024-02-22", "2024-03-07", "2024-05-08", "2024-06-11", "2024-11-02"],
    2025: ["2025-03-07", "2025-04-30", "2025-06-11", "2025-11-01"],
    2026: ["2026-04-30", "2026-05-08", "2026-06-11", "2026-11-03"],
    2027: ["2027-02-20", "2027-04-30", "2027-06-11", "2027-11-03"],
}


def days_of(year: int) -> list[date]:
    return [
        date(year, 1, 1) + timedelta(days=i)
        for i in range(366)
        if (date(year, 1, 1) + timedelta(days=i)).year == year
    ]


@pytest.mark.parametrize("year", sorted(MONTHS))
def test_months_match_the_official_calendar(year: int) -> None:
    got = [(RU.month(year, m).working_days, RU.month(year, m).norm_hours) for m in range(1, 13)]
    assert got == MONTHS[year]


@pytest.mark.parametrize("year", sorted(YEARS))
def test_years_match_the_official_calendar(year: int) -> None:
    working = RU.working_days(date(year, 1, 1), date(year, 12, 31))
    assert (working, RU.norm_hours(year)) == YEARS[year]


@pytest.mark.parametrize("year", sorted(PRE_HOLIDAYS))
def test_pre_holiday_days_are_an_hour_shorter(year: int) -> None:
    shortened = [d.isoformat() for d in days_of(year) if production_day(d).pre_holiday]
    assert shortened == PRE_HOLIDAYS[year]
    for text in shortened:
        day = RU.day(date.fromisoformat(text))
        assert day.working and day.norm_hours == 7
        assert day.periods[0].end.time() == time(17)  # business hours end an hour early


def test_other_weekly_norms() -> None:
    assert WorkCalendar(production="RU", weekly_hours=36).norm_hours(2025) == 1774.4
    assert WorkCalendar(production="RU", weekly_hours=24).norm_hours(2025) == 1181.6


def test_moved_days_and_working_saturdays() -> None:
    saturday = RU.day(date(2025, 11, 1))  # worked for the day off on Monday 3 November
    assert (saturday.working, saturday.kind, saturday.pre_holiday) == (
        True,
        "working_weekend",
        True,
    )
    monday = RU.day(date(2025, 11, 3))
    assert (monday.working, monday.kind) == (False, "day_off")
    assert "перенесено" in monday.name
    assert RU.day(date(2026, 3, 9)).kind == "day_off"  # 8 March falls on a Sunday
    assert RU.day(date(2026, 1, 7)).name == "Рождество Христово"
    assert RU.day(date(2026, 1, 7)).kind == "holiday"
    # Without the production calendar only weekdays count.
    assert WorkCalendar().is_working_day(date(2026, 3, 9))
    assert not WorkCalendar().is_working_day(date(2025, 11, 1))


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


def test_worked_examples() -> None:
    # Friday 6 March 2026, 17:00 + 2 working hours: Monday 9 March is a day off.
    assert RU.add_hours(msk(2026, 3, 6, 17), 2) == msk(2026, 3, 10, 10)
    # The eve of 1 May ends at 17:00: 17:30 on 30 April is after hours.
    assert not RU.is_working_time(msk(2026, 4, 30, 17, 30))
    assert RU.add_hours(msk(2026, 4, 30, 16), 2) == msk(2026, 5, 4, 10)
    # New Year: the last working day of 2025 is the 30th, the first of 2026 the 12th of January.
    assert RU.between(msk(2025, 12, 30, 17), msk(2026, 1, 12, 10)) == timedelta(hours=2)
    assert RU.shift_working_days(date(2025, 12, 30), 1) == date(2026, 1, 12)
    assert RU.shift_working_days(date(2026, 1, 12), -1) == date(2025, 12, 30)
    assert RU.shift_working_days(date(2026, 1, 3), 0) == date(2026, 1, 12)
    # "Within 3 working days" of Thursday 30 April 2026: Monday 4, Tuesday 5, Wednesday 6 May.
    assert RU.add_working_days(msk(2026, 4, 30, 12), 3) == msk(2026, 5, 6, 18)
    assert RU.add_working_days(msk(2026, 5, 1, 12), 0) == msk(2026, 5, 4, 18)
    assert RU.add_working_days(msk(2026, 5, 4, 12), 0) == msk(2026, 5, 4, 18)
    assert RU.add_working_days(msk(2026, 5, 4, 19), 0) == msk(2026, 5, 5, 18)  # after hours


def test_overrides() -> None:
    overrides = {
        date(2026, 3, 10): Override(day=date(2026, 3, 10), kind="day_off", note="Субботник"),
        date(2026, 3, 14): Override(day=date(2026, 3, 14), kind="working_day"),
        date(2026, 3, 11): Override(day=date(2026, 3, 11), kind="shortened", hours=5),
        date(2026, 4, 30): Override(day=date(2026, 4, 30), kind="working_day"),  # a full day
    }
    cal = WorkCalendar(production="RU", overrides=overrides)
    off = cal.day(date(2026, 3, 10))
    assert (off.working, off.source, off.name, off.norm_hours) == (
        False,
        "override",
        "Субботник",
        0,
    )
    assert cal.day(date(2026, 3, 14)).working  # a Saturday
    short = cal.day(date(2026, 3, 11))
    assert short.norm_hours == 5 and short.periods[0].end == msk(2026, 3, 11, 15)
    assert cal.day(date(2026, 4, 30)).norm_hours == 8
    march = cal.month(2026, 3)
    assert march.working_days == 21 - 1 + 1
    assert march.norm_hours == 168 - 8 + 8 - 3
    with pytest.raises(ValueError):
        WorkCalendar(production="XX")
    with pytest.raises(ValueError):
        WorkCalendar(timezone="Nowhere/Else")


# -- invariants ----------------------------------------------------------------------------

ZONES = ["Europe/Moscow", "Asia/Yekaterinburg", "Europe/Berlin", "Asia/Vladivostok", "UTC"]


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    start = draw(st.integers(0, 22))
    end = draw(st.integers(start + 1, 23))
    days = draw(st.frozensets(st.integers(1, 7), min_size=1))
    span = st.dates(date(2025, 1, 1), date(2026, 12, 31))
    holidays = draw(st.frozensets(span, max_size=10))
    kinds = st.sampled_from(["day_off", "working_day", "shortened"])
    overrides = {}
    for day in draw(st.frozensets(span, max_size=15)):
        kind = draw(kinds)
        hours = (
            draw(st.none() | st.sampled_from([0.0, 1.0, 4.5, 7.0])) if kind != "day_off" else None
        )
        overrides[day] = Override(day=day, kind=kind, hours=hours)
    return WorkCalendar(
        timezone=draw(st.sampled_from(ZONES)),
        work_start=time(start, draw(st.sampled_from([0, 30]))),
        work_end=time(end),
        workdays=days,
        holidays=holidays,
        production=draw(st.sampled_from(["RU", None])),
        overrides=overrides,
        weekly_hours=draw(st.sampled_from([40.0, 36.0, 24.0])),
    )


moments = st.datetimes(datetime(2025, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC))
durations = st.integers(0, 60 * 24 * 30).map(lambda m: timedelta(minutes=m))


@given(calendars(), moments, durations)
def test_between_inverts_adding(cal: WorkCalendar, start: datetime, duration: timedelta) -> None:
    assert cal.between(start, cal.add(start, duration)) == duration


@given(calendars(), moments, durations, durations)
def test_adding_is_additive_and_monotonic(
    cal: WorkCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    assert cal.add(cal.add(start, a), b) == cal.add(start, a + b)
    a, b = sorted((a, b))
    assert cal.add(start, a) <= cal.add(start, b)


@given(calendars(), moments, durations)
def test_due_time_is_working_time_or_a_period_end(
    cal: WorkCalendar, start: datetime, duration: timedelta
) -> None:
    due = cal.add(start, duration + timedelta(minutes=1))
    local = due.astimezone(cal.tz).date()
    ends = {p.end for d in (local - timedelta(days=1), local) for p in cal.periods(d)}
    assert cal.is_working_time(due) or due in ends
    assert cal.is_working_day(local) or due in ends


@given(calendars(), moments, moments)
def test_between_is_split_additive(cal: WorkCalendar, a: datetime, b: datetime) -> None:
    a, b = sorted((a, b))
    middle = a + (b - a) / 2
    assert cal.between(a, b) == cal.between(a, middle) + cal.between(middle, b)
    assert cal.between(b, a) == timedelta(0)


@given(calendars(), st.dates(date(2025, 1, 1), date(2026, 12, 31)), st.integers(0, 40))
def test_shifting_working_days(cal: WorkCalendar, day: date, n: int) -> None:
    later = cal.shift_working_days(day, n)
    assert cal.is_working_day(later)
    if n:
        assert later > day
        assert cal.working_days(day + timedelta(days=1), later) == n
        assert cal.shift_working_days(later, -n) <= day


@given(calendars(), moments, st.integers(0, 10))
def test_working_day_deadlines(cal: WorkCalendar, start: datetime, n: int) -> None:
    deadline = cal.add_working_days(start, n)
    assert deadline > start
    day = deadline.astimezone(cal.tz).date()
    assert cal.is_working_day(day) and deadline == cal.periods(day)[-1].end
    first = start.astimezone(cal.tz).date()
    assert cal.working_days(first + timedelta(days=1), day) >= n


@given(calendars(), st.integers(2025, 2026), st.integers(1, 12))
def test_month_adds_up(cal: WorkCalendar, year: int, month: int) -> None:
    view = cal.month(year, month)
    assert view.working_days == sum(d.working for d in view.days)
    assert view.norm_hours == pytest.approx(sum(d.norm_hours for d in view.days))
    for day in view.days:
        assert day.working or (not day.periods and day.norm_hours == 0)
        assert all(p.start < p.end for p in day.periods)
