"""The personal iCalendar feed of deadlines: an operator's open tasks (responsible or
co-executor) with a deadline, as all-day-free one-minute events at the deadline, for a
calendar application to subscribe to. The feed's address carries a random token; only its
SHA-256 is stored, a new address replaces the old one (the old stops working), and the feed
answers what the operator may see *now* — an operator switched off or out of scope gets 404."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

import msgspec
from icalendar import Alarm, Calendar, Event

import unionline
from unionline import Actor, NotFound, current, now
from unionline.plugins.tasks import rights
from unionline.plugins.tasks.lists import scope_filter
from unionline.plugins.tasks.schemas import FeedLink
from unionline.plugins.tasks.store import OperatorRef
from unionline.plugins.tasks.vocabulary import LABELS, OPEN

PREFIX = "/api/tasks/feed/"
WINDOW = timedelta(days=366)  # deadlines up to a year ahead, and a month back


class _Deadline(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    title: str
    status: str
    deadline: datetime
    updated_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def new_link(actor: Actor) -> FeedLink:
    """A fresh address for the actor's feed (any earlier one stops working)."""
    actor.require(rights.READ)
    token = secrets.token_urlsafe(32)
    db = current().db
    async with db.transaction():
        await db.execute("DELETE FROM tasks_feed_token WHERE operator_id = {}", actor.operator_id)
        await db.execute(
            "INSERT INTO tasks_feed_token (id, operator_id, token_hash, created_at)"
            " VALUES ({}, {}, {}, {})",
            uuid.uuid4(),
            actor.operator_id,
            _digest(token),
            now(),
        )
    base = current().settings.server.public_url.rstrip("/")
    return FeedLink(url=f"{base}{PREFIX}{token}.ics")


async def revoke(actor: Actor) -> None:
    await current().db.execute(
        "DELETE FROM tasks_feed_token WHERE operator_id = {}", actor.operator_id
    )


async def render(token: str) -> bytes:
    """The feed of the token's operator (404 for an unknown token or an inactive operator)."""
    row = await current().db.fetch_one_as(
        OperatorRef,
        "SELECT operator_id FROM tasks_feed_token WHERE token_hash = {}",
        _digest(token),
    )
    actor = await unionline.actor_for(row.operator_id) if row else None
    if actor is None or not actor.can(rights.READ):
        raise NotFound("no such feed", field="token")
    where, args = await scope_filter(actor, "mine")
    statuses = sorted(OPEN)
    moment = now()
    rows = await current().db.fetch_as(
        _Deadline,
        "SELECT id, title, status, deadline, updated_at FROM tasks_task"
        f" WHERE {where} AND status IN ({', '.join('{}' for _ in statuses)})"
        " AND deadline IS NOT NULL AND deadline >= {} AND deadline < {}"
        " ORDER BY deadline LIMIT 2000",
        *args,
        *statuses,
        moment - timedelta(days=31),
        moment + WINDOW,
    )
    return ical(rows, current().settings.server.public_url.rstrip("/"))


def ical(rows: list[_Deadline], base: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Unionline//tasks//RU")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Сроки задач")
    for r in rows:
        event = Event()
        event.add("uid", f"task-{r.id}@unionline")
        event.add("summary", f"Срок: {r.title}")
        event.add("dtstart", r.deadline)
        event.add("dtend", r.deadline + timedelta(minutes=30))
        event.add("dtstamp", r.updated_at)
        event.add("last-modified", r.updated_at)
        event.add("description", f"Статус: {LABELS[r.status][0]}")
        if base:
            event.add("url", f"{base}/console#/work/tasks/{r.id}")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Срок задачи: {r.title}")
        alarm.add("trigger", timedelta(hours=-1))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
