"""The Russian production calendar (производственный календарь), from the ``holidays`` package.

``holidays`` knows the non-working holidays of Labour Code article 112, the days off the
government moves each year (a holiday falling on a weekend, and the decree's transfers) and the
weekend days those transfers make working (``weekend_workdays``). What it does not know is the
**pre-holiday day** of article 95: the working day right before a non-working holiday is one hour
shorter. The rule, checked against the official calendars of 2011–2027:

- a working day whose next day is a non-working holiday (not a moved day off) is shortened;
- a weekend day made working by a transfer is shortened when the weekday it was swapped with
  would have been (2024-11-02 stands in for 2024-04-30, the eve of 1 May; 2024-12-28 stands in
  for 2024-12-30, whose next day is only a moved day off, so it is a full day).

The calendar covers the years ``holidays`` covers for Russia (1991 on); the moves of a year are
known once the government has published them (usually in the autumn before), and a later year
is the plain statutory calendar until the package learns them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import msgspec

if TYPE_CHECKING:
    from holidays import HolidayBase

DayKind = Literal["workday", "weekend", "holiday", "day_off", "working_weekend"]
COUNTRIES = ("RU",)
PRE_HOLIDAY_CUT = 1.0  # hours (Labour Code article 95)


class ProductionDay(msgspec.Struct, frozen=True, kw_only=True):
    """One date as the production calendar has it.

    ``kind``: ``workday`` (an ordinary working weekday), ``weekend`` (Saturday, Sunday),
    ``holiday`` (a non-working holiday of article 112), ``day_off`` (a weekday made a day off:
    a holiday moved off a weekend, or a decree's transfer), ``working_weekend`` (a weekend day
    the decree made working). ``pre_holiday``: a working day shortened by one hour.
    """

    date: date
    kind: DayKind
    pre_holiday: bool = False
    name: str = ""  # the holiday's or moved day's name, in Russian

    @property
    def working(self) -> bool:
        return self.kind in ("workday", "working_weekend")


class _Year(msgspec.Struct, frozen=True):
    names: dict[date, str]  # every non-working date that is not a plain weekend, with its name
    holidays: frozenset[date]  # the non-working holidays proper (article 112)
    working_weekends: frozenset[date]
    pre_holidays: frozenset[date]


def _entity(country: str, year: int, *, observed: bool = True) -> HolidayBase:
    # Imported on first use: the package's country registry loads every country's module
    # (about 0.3 s, once per process), which a command that never asks should not pay.
    import holidays

    return holidays.country_holidays(country, years=year, language="ru", observed=observed)


def _swaps(entity: HolidayBase, year: int) -> Iterable[tuple[date, date]]:
    """(day off, the weekend day made working for it) of the year's decree."""
    raw = getattr(entity, "special_public_holidays", {}).get(year, ())
    entries = (raw,) if raw and isinstance(raw[0], int) else raw
    for entry in entries:
        if len(entry) >= 4 and all(isinstance(v, int) for v in entry[:4]):
            to_month, to_day, from_month, from_day = entry[:4]
            from_year = entry[4] if len(entry) > 4 and isinstance(entry[4], int) else year
            yield date(year, to_month, to_day), date(from_year, from_month, from_day)


@lru_cache(maxsize=256)
def _proper_holidays(country: str, year: int) -> frozenset[date]:
    """Article 112's holidays: what the package lists without moved days and substitutions."""
    plain = _entity(country, year, observed=False)
    moved = {day_off for day_off, _ in _swaps(plain, year)}
    return frozenset(d for d in plain if d not in moved)


@lru_cache(maxsize=256)
def _year(country: str, year: int) -> _Year:
    entity = _entity(country, year)
    names = {d: str(n) for d, n in entity.items() if d.year == year}
    holidays = _proper_holidays(country, year)
    swapped = {worked: day_off for day_off, worked in _swaps(entity, year)}
    later = dict(_swaps_into(country, year))  # a next year's day off worked this year
    weekend_workdays = frozenset(
        {d for d in entity.weekend_workdays if d.year == year}
        | {d for d in later if d.weekday() >= 5}
    )
    for worked, day_off in later.items():
        swapped.setdefault(worked, day_off)

    def working(day: date) -> bool:
        return day in weekend_workdays if day.weekday() >= 5 else day not in names

    def holiday(day: date) -> bool:
        return day in (holidays if day.year == year else _proper_holidays(country, day.year))

    pre = set()
    day = date(year, 1, 1)
    while day.year == year:
        if working(day) and holiday(swapped.get(day, day) + timedelta(days=1)):
            pre.add(day)
        day += timedelta(days=1)
    return _Year(names, holidays, weekend_workdays, frozenset(pre))


def _swaps_into(country: str, year: int) -> Iterable[tuple[date, date]]:
    """Swaps declared in the next year's decree whose working weekend falls in ``year``."""
    entity = _entity(country, year + 1)
    for day_off, worked in _swaps(entity, year + 1):
        if worked.year == year:
            yield worked, day_off


def is_working_day(country: str, day: date) -> bool:
    data = _year(country, day.year)
    if day.weekday() >= 5:
        return day in data.working_weekends
    return day not in data.names


def production_day(day: date, country: str = "RU") -> ProductionDay:
    """How the production calendar of ``country`` (``"RU"``) has ``day``."""
    if country not in COUNTRIES:
        raise ValueError(f"no production calendar for {country!r} (known: {', '.join(COUNTRIES)})")
    data = _year(country, day.year)
    name = data.names.get(day, "")
    if day.weekday() >= 5:
        if day in data.working_weekends:
            kind: DayKind = "working_weekend"
        else:
            kind = "holiday" if day in data.holidays else "weekend"
    elif day in data.holidays:
        kind = "holiday"
    elif name:
        kind = "day_off"
    else:
        kind = "workday"
    return ProductionDay(date=day, kind=kind, pre_holiday=day in data.pre_holidays, name=name)
