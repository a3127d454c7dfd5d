"""Schedule slots: ``every N minutes`` or a five-field cron line, in a time zone.

A slot is the minute a schedule names, as unix seconds. The sweep fires a rule for the latest
slot that came due since it last looked (missed slots of a downtime collapse into one), so a
schedule never fires twice for one slot and never floods after a restart.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from unionline.errors import Invalid
from unionline.robots.schemas import ScheduleTrigger

# (name, lowest, highest) of the five cron fields; day of week 0-7 (0 and 7 are Sunday).
FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12), ("weekday", 0, 7))


class Cron:
    def __init__(self, line: str) -> None:
        parts = line.split()
        if len(parts) != 5:
            raise ValueError("a cron line has five fields: minute hour day month weekday")
        self.sets = [_field(p, *spec) for p, spec in zip(parts, FIELDS, strict=True)]
        weekdays = self.sets[4]
        if 7 in weekdays:
            weekdays.add(0)
        self.any_day = parts[2] == "*"
        self.any_weekday = parts[4] == "*"

    def matches(self, local: datetime) -> bool:
        minute, hour, day, month, weekday = self.sets
        if local.minute not in minute or local.hour not in hour or local.month not in month:
            return False
        day_ok = local.day in day
        weekday_ok = (local.isoweekday() % 7) in weekday
        if self.any_day or self.any_weekday:  # cron: both restricted means either matches
            return day_ok and weekday_ok
        return day_ok or weekday_ok


def _field(text: str, name: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if body == "*":
            start, end = low, high
        elif "-" in body:
            start, end = (int(v) for v in body.split("-", 1))
        else:
            start = end = int(body)
            if step_text:
                end = high
        if step < 1 or not (low <= start <= end <= high):
            raise ValueError(f"{name} {part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return values


def zone(name: str, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"unknown time zone {name!r}", field="trigger.timezone") from None


def check(trigger: ScheduleTrigger, default_tz: str) -> None:
    """Raise Invalid naming the field when the schedule cannot be used."""
    if (trigger.every_minutes is None) == (trigger.cron is None):
        raise Invalid("give either every_minutes or cron", field="trigger.cron")
    if trigger.cron is not None:
        try:
            Cron(trigger.cron)
        except ValueError as exc:
            raise Invalid(f"cron: {exc}", field="trigger.cron") from None
    zone(trigger.timezone, default_tz)


def latest_slot(
    trigger: ScheduleTrigger, after: float, now: float, default_tz: str
) -> float | None:
    """The latest slot in ``(after, now]``, or None."""
    tz = zone(trigger.timezone, default_tz)
    if trigger.every_minutes is not None:
        period = trigger.every_minutes * 60
        offset = datetime.fromtimestamp(now, tz).utcoffset() or timedelta(0)
        local = now + offset.total_seconds()  # slots align to local midnight
        slot = (local // period) * period - offset.total_seconds()
        return slot if slot > after else None
    assert trigger.cron is not None
    cron = Cron(trigger.cron)
    minute = int(now // 60) * 60
    while minute > after:
        if cron.matches(datetime.fromtimestamp(minute, UTC).astimezone(tz)):
            return float(minute)
        minute -= 60
    return None
