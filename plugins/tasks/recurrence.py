"""Recurring tasks: a series makes a task from its template once per occurrence — exactly once.

* **When**: an RRULE (RFC 5545, python-dateutil) over *nominal* dates from ``starts_on``, in the
  organization's time zone (``timezone_for``); ``shift`` moves an occurrence off a non-working
  day of the organization's calendar (``previous``: "the last working day of the month" is
  ``FREQ=MONTHLY;BYMONTHDAY=-1`` shifted to the previous working day). Or, with
  ``after_done_days``, N working days after the previous task was completed.
* **Exactly once**: the sweep (``tasks.recur``, a PeriodicJob every minute) advances a series'
  cursor (``next_on``) and enqueues one ``tasks.occurrence`` job per due occurrence *in the same
  transaction*, keyed ``tasks.occurrence:<series>:<date>`` (the outbox refuses a second job with
  that key); the job claims ``tasks_occurrence.key`` (``<series>:<date>``, unique) in the
  transaction that makes the task. A killed process rolls back either transaction; a job run
  twice finds its key claimed and does nothing; two schedulers lock the series row (SQLite
  serializes writers) and see each other's cursor.
* **Ended means ended**: the job re-reads the series (locked) in that same transaction and makes
  nothing for a series ended at once (``ended_at``) or a date past its last day (the rule's
  ``UNTIL``) — a job queued before «Завершить серию» included.
* **After downtime**: ``catch_up = "all"`` makes every occurrence that came due while nothing
  ran (no gaps); ``"latest"`` makes only the most recent one and skips the older ones.
* **Modes**: ``new`` — a new task per occurrence; ``reopen`` — the series' one task is reopened
  (its checklist unticked, a new deadline), never a second task.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from dateutil.rrule import rrulestr

from unionline import (
    Actor,
    Invalid,
    JobContext,
    NotFound,
    PeriodicJob,
    current,
    enqueue,
    now,
    publish,
)
from unionline.calendar import WorkCalendar, calendar_for, timezone_for
from unionline.plugins.tasks import rights
from unionline.plugins.tasks.schemas import (
    NewSeries,
    SeriesEnd,
    SeriesEnded,
    SeriesView,
    TaskStatusChanged,
)
from unionline.plugins.tasks.store import (
    SeriesRow,
    load_task,
    lock_suffix,
    record,
    recount_checklist,
    update_task,
)
from unionline.rows import IdRow, decode_rows

OCCURRENCE = "tasks.occurrence"
SWEEP_EVERY = 60.0
BATCH = 200  # series per sweep transaction
PER_SERIES = 500  # occurrences one series may catch up per sweep (the next sweep goes on)


class OccurrencePayload(msgspec.Struct, frozen=True):
    series_id: uuid.UUID
    occurs_on: date  # the nominal date (the key), before any shift off a non-working day


# -- dates --------------------------------------------------------------------------------------


def nominal_from(series: SeriesRow, first: date | None, *, inc: bool = True) -> Iterator[date]:
    """The series' nominal dates from ``first`` (``starts_on`` when None) on, in order."""
    if not series.rrule:
        return iter(())
    start = datetime.combine(series.starts_on, time())
    rule = rrulestr(series.rrule, dtstart=start, cache=False)
    since = datetime.combine(first, time()) if first else start
    return (m.date() for m in rule.xafter(since, inc=inc))


async def zone(series: SeriesRow) -> ZoneInfo:
    return ZoneInfo(series.timezone or await timezone_for(series.organization_id))


class Clock:
    """When a series' occurrences are due: its calendar and zone, looked up once."""

    def __init__(self, series: SeriesRow, cal: WorkCalendar | None, tz: ZoneInfo) -> None:
        self.series, self.cal, self.tz = series, cal, tz
        hour, minute = (int(x) for x in series.at_time.split(":"))
        self.at = time(hour, minute)

    @classmethod
    async def of(cls, series: SeriesRow, cache: dict[Any, Any] | None = None) -> Clock:
        """``cache`` keeps calendars and zones by organization for one sweep."""
        cache = {} if cache is None else cache
        key = (series.organization_id, series.timezone, series.shift != "none")
        if key not in cache:
            cal = await calendar_for(series.organization_id) if series.shift != "none" else None
            cache[key] = (cal, await zone(series))
        return cls(series, *cache[key])

    def due(self, nominal: date) -> datetime:
        """When the occurrence of ``nominal`` is due: its (shifted) day at ``at_time``, local."""
        day = nominal
        if self.cal is not None and not self.cal.is_working_day(day):
            day = self.cal.shift_working_days(day, -1 if self.series.shift == "previous" else 1)
        return datetime.combine(day, self.at, self.tz).astimezone(UTC)


async def due_moment(series: SeriesRow, nominal: date) -> datetime:
    return (await Clock.of(series)).due(nominal)


# -- the sweep --------------------------------------------------------------------------------


async def sweep(at: datetime | None = None) -> int:
    """Enqueue every due occurrence of every series (see the module's docstring); answers how
    many were enqueued."""
    moment = at or now()
    soon = (moment + timedelta(days=1)).date()  # today in any time zone
    # A shift "previous" brings an occurrence forward, at most over the New Year holidays.
    horizon = (moment + timedelta(days=16)).date()
    db = current().db
    made = 0
    cache: dict[Any, Any] = {}
    cursor: list[Any] = []  # (next_on, id) of the batch's last series
    while True:  # in batches, until every due series had its turn (a catch-up after downtime)
        after = " AND (next_on, id) > ({}, {})" if cursor else ""
        rows = await db.fetch(
            "SELECT id, next_on FROM tasks_series WHERE active = {} AND next_on IS NOT NULL"
            " AND (next_on <= {} OR (shift = 'previous' AND next_on <= {}))"
            f"{after} ORDER BY next_on, id LIMIT {BATCH}",
            True,
            soon,
            horizon,
            *cursor,
        )
        for row in decode_rows(IdRow, rows):
            made += await _sweep_one(row.id, moment, cache)
        if len(rows) < BATCH:
            return made
        cursor = [rows[-1]["next_on"], rows[-1]["id"]]


async def _sweep_one(series_id: uuid.UUID, moment: datetime, cache: dict[Any, Any]) -> int:
    db = current().db
    async with db.transaction():
        series = await db.fetch_one_as(
            SeriesRow, f"SELECT * FROM tasks_series WHERE id = {{}}{lock_suffix(True)}", series_id
        )
        if series is None or not series.active or series.next_on is None:
            return 0
        due, following = await _due(series, moment, cache)
        if series.catch_up == "latest" and len(due) > 1:
            due = due[-1:]
        for nominal in due:
            await enqueue(
                OCCURRENCE,
                OccurrencePayload(series_id=series.id, occurs_on=nominal),
                key=f"{OCCURRENCE}:{series.id}:{nominal.isoformat()}",
            )
        if due or following != series.next_on:
            await db.execute(
                "UPDATE tasks_series SET next_on = {} WHERE id = {}", following, series.id
            )
        return len(due)


async def _due(
    series: SeriesRow, moment: datetime, cache: dict[Any, Any]
) -> tuple[list[date], date | None]:
    """The nominal dates due by ``moment`` from the cursor on, and the new cursor."""
    assert series.next_on is not None
    clock = await Clock.of(series, cache)
    if not series.rrule:  # after-completion mode: one date, set when the last task was done
        if clock.due(series.next_on) <= moment:
            return [series.next_on], None
        return [], series.next_on
    due: list[date] = []
    for nominal in nominal_from(series, series.next_on):
        if len(due) == PER_SERIES or clock.due(nominal) > moment:
            return due, nominal
        due.append(nominal)
    return due, None


# -- one occurrence ---------------------------------------------------------------------------


async def occurrence(ctx: JobContext, payload: OccurrencePayload) -> None:
    """The job: claim the occurrence's key and make (or reopen) its task, in one transaction."""
    db = current().db
    async with db.transaction():
        series = await db.fetch_one_as(
            SeriesRow,
            f"SELECT * FROM tasks_series WHERE id = {{}}{lock_suffix(True)}",
            payload.series_id,
        )
        if series is None or not still_has(series, payload.occurs_on):
            return
        key = f"{series.id}:{payload.occurs_on.isoformat()}"
        claimed = await db.fetchone(
            "INSERT INTO tasks_occurrence (id, series_id, occurs_on, key, created_at)"
            " VALUES ({}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING RETURNING id",
            uuid.uuid4(),
            series.id,
            payload.occurs_on,
            key,
            now(),
        )
        if claimed is None:
            return  # made already: a retry, or a second scheduler
        due = await due_moment(series, payload.occurs_on)
        await db.execute("UPDATE tasks_occurrence SET due_at = {} WHERE key = {}", due, key)
        task_id = await (
            _reopen(series, due)
            if series.mode == "reopen" and series.task_id
            else _make(series, due, key)
        )
        await db.execute("UPDATE tasks_occurrence SET task_id = {} WHERE key = {}", task_id, key)


def still_has(series: SeriesRow, nominal: date) -> bool:
    """Whether ``nominal`` is still an occurrence of the series: it was not ended at once, and
    the date is in its rule (an end on a day put that day into the rule's UNTIL)."""
    if series.ended_at is not None:
        return False
    return not series.rrule or next(nominal_from(series, nominal), None) == nominal


async def _make(series: SeriesRow, due: datetime, key: str) -> uuid.UUID:
    from unionline.plugins.tasks.creation import deadline_in, from_template, insert
    from unionline.plugins.tasks.templates import load_template

    template = await load_template(series.template_id)
    draft = from_template(template)
    draft.organization_id = series.organization_id
    draft.creator_id = series.creator_id
    draft.responsible_id = series.responsible_id or template.responsible_id or series.creator_id
    draft.series_id = series.id
    draft.robot_key = f"series:{key}"
    if template.deadline_days is not None:
        draft.deadline = await deadline_in(series.organization_id, template.deadline_days, due)
    task = await insert(draft)
    if series.mode == "reopen":
        await current().db.execute(
            "UPDATE tasks_series SET task_id = {} WHERE id = {}", task.id, series.id
        )
    return task.id


async def _reopen(series: SeriesRow, due: datetime) -> uuid.UUID:
    from unionline.plugins.tasks.creation import deadline_in
    from unionline.plugins.tasks.templates import load_template

    assert series.task_id is not None
    task = await load_task(series.task_id, lock=True)
    template = await load_template(series.template_id)
    deadline = None
    if template.deadline_days is not None:
        deadline = await deadline_in(series.organization_id, template.deadline_days, due)
    db = current().db
    await db.execute(
        "UPDATE tasks_checklist_item SET done = {}, done_by = NULL, done_at = NULL"
        " WHERE task_id = {}",
        False,
        task.id,
    )
    await recount_checklist(task.id)
    reopened = await update_task(
        task.id, status="new", completed_at=None, deadline=deadline, overdue_for=None
    )
    await record(
        task.id,
        None,
        "reopened",
        {"status": task.status},
        {"status": "new", "occurrence": due.isoformat()},
    )
    await publish(
        TaskStatusChanged(
            organization_id=reopened.organization_id,
            task_id=task.id,
            appeal_id=task.appeal_id,
            project_id=task.project_id,
            old_status=task.status,
            status="new",
            actor_id=None,
        )
    )
    return task.id


async def after_completion(task: object) -> None:
    """A series in "N working days after completion" mode: its next date counts from now."""
    series_id = getattr(task, "series_id", None)
    db = current().db
    series = await db.fetch_one_as(SeriesRow, "SELECT * FROM tasks_series WHERE id = {}", series_id)
    if series is None or series.after_done_days is None or not series.active:
        return
    cal = await calendar_for(series.organization_id)
    today = now().astimezone(await zone(series)).date()
    following = cal.shift_working_days(today, series.after_done_days)
    await db.execute("UPDATE tasks_series SET next_on = {} WHERE id = {}", following, series.id)


RECUR = PeriodicJob("tasks.recur", sweep, every=SWEEP_EVERY)


# -- series API ---------------------------------------------------------------------------------


async def create(actor: Actor, data: NewSeries) -> SeriesView:
    from unionline.plugins.tasks.templates import visible

    template = await visible(actor, data.template_id, rights.TEMPLATES)
    await rights.check_people(actor, template.organization_id, data.responsible_id, [])
    if bool(data.rrule) == (data.after_done_days is not None):
        raise Invalid("give either rrule or after_done_days", field="rrule")
    series = SeriesRow(
        id=uuid.uuid4(),
        organization_id=template.organization_id,
        template_id=template.id,
        creator_id=actor.operator_id,
        responsible_id=data.responsible_id,
        rrule=data.rrule.strip(),
        starts_on=data.starts_on,
        at_time=data.at_time,
        timezone="",
        mode=data.mode,
        after_done_days=data.after_done_days,
        shift=data.shift,
        catch_up=data.catch_up,
        next_on=None,
        task_id=None,
        active=True,
    )
    series.next_on = _first(series)
    await current().db.execute(
        "INSERT INTO tasks_series (id, organization_id, template_id, creator_id, responsible_id,"
        " rrule, starts_on, at_time, timezone, mode, after_done_days, shift, catch_up, next_on,"
        " task_id, active, ended_at, created_at) VALUES"
        " ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        *[getattr(series, f) for f in SeriesRow.__struct_fields__],
        now(),
    )
    return series_view(series)


def series_view(row: SeriesRow) -> SeriesView:
    return SeriesView(**{k: getattr(row, k) for k in SeriesView.__struct_fields__})


def _first(series: SeriesRow) -> date | None:
    if not series.rrule:
        return series.starts_on
    try:
        return next(nominal_from(series, None), None)
    except (ValueError, TypeError) as exc:
        raise Invalid(f"rrule is not a recurrence rule: {exc}", field="rrule") from None


async def listing(actor: Actor) -> list[SeriesView]:
    from unionline import scope_for

    actor.require(rights.READ)
    ids = (await scope_for(actor, rights.READ)).ids()
    if ids is not None and not ids:
        return []
    where = "" if ids is None else f" WHERE organization_id IN ({', '.join('{}' for _ in ids)})"
    rows = await current().db.fetch_as(
        SeriesRow, f"SELECT * FROM tasks_series{where} ORDER BY created_at, id", *(ids or [])
    )
    return [series_view(r) for r in rows]


async def end(actor: Actor, series_id: uuid.UUID, data: SeriesEnd) -> SeriesView:
    """«Завершить серию»: no task after ``data.last_on`` (the rule gets that UNTIL; it is never
    lengthened), or none at all from now on; consoles hear ``tasks.series_ended``."""
    from unionline import scope_for

    actor.require(rights.TEMPLATES)
    db = current().db
    async with db.transaction():
        series = await db.fetch_one_as(
            SeriesRow, f"SELECT * FROM tasks_series WHERE id = {{}}{lock_suffix(True)}", series_id
        )
        scope = await scope_for(actor, rights.TEMPLATES)
        if series is None or not scope.allows(series.organization_id):
            raise NotFound(f"series {series_id} does not exist", field="series_id")
        if data.last_on is not None and not series.rrule:
            raise Invalid("a series after completion ends at once: no last_on", field="last_on")
        if data.last_on is not None:
            series.rrule = _ending(series, data.last_on)
        if data.last_on is None or series.next_on is None or series.next_on > data.last_on:
            series.active, series.next_on = False, None
        if data.last_on is None and series.ended_at is None:
            series.ended_at = now()  # a job already queued makes nothing now (still_has)
        await db.execute(
            "UPDATE tasks_series SET rrule = {}, active = {}, next_on = {}, ended_at = {}"
            " WHERE id = {}",
            series.rrule,
            series.active,
            series.next_on,
            series.ended_at,
            series.id,
        )
        await publish(
            SeriesEnded(
                organization_id=series.organization_id,
                series_id=series.id,
                last_on=data.last_on,
                actor_id=actor.operator_id,
            )
        )
    return series_view(series)


def _ending(series: SeriesRow, last_on: date) -> str:
    """The series' rule ending on ``last_on`` (UNTIL in place of its own UNTIL or COUNT), or as
    it is when it ends by then already."""
    for day in nominal_from(series, None):
        if day > last_on:
            parts = series.rrule.split(";")
            kept = [p for p in parts if p.split("=")[0].upper() not in ("UNTIL", "COUNT")]
            return ";".join([*kept, f"UNTIL={last_on:%Y%m%d}"])
    return series.rrule
