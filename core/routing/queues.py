"""Queues: create, change, delete (scoped by ``routing.manage``), and the lookups the engine
uses — which queue takes an appeal, and whether a queue is open now."""

from __future__ import annotations

import json
import time
import uuid
import zoneinfo
from datetime import datetime
from typing import Any

import msgspec

from unionline.access import Actor, scope_for
from unionline.appeals.config import hhmm
from unionline.appeals.statuses import ACTIVE_SQL
from unionline.appeals.store import AppealRow
from unionline.calendar import BusinessHours, calendar_for
from unionline.errors import Conflict, Forbidden, Invalid, NotFound
from unionline.routing.schemas import QueueCreate, QueueFields, QueueUpdate, QueueView
from unionline.runtime import current

READ = "routing.read"
MANAGE = "routing.manage"
CORE_STRATEGIES = ("least_busy", "round_robin", "skills", "own_operator", "pool")


class QueueRow(QueueFields, kw_only=True):
    """A queue as the engine reads it."""

    def hours(self) -> BusinessHours:
        return BusinessHours(
            work_start=hhmm(self.work_start),
            work_end=hhmm(self.work_end),
            workdays=frozenset(self.workdays),
            holidays=frozenset(self.holidays),
        )

    async def open_at(self, moment: datetime) -> bool:
        """Always, without business hours; else within the queue's hours on the working days
        of its organization's calendar (production calendar and overrides), in the queue's
        time zone (else the organization's)."""
        if not self.business_hours:
            return True
        calendar = await calendar_for(
            self.organization_id, hours=self.hours(), timezone=self.timezone or None
        )
        return calendar.is_working_time(moment)


async def view(queue: QueueRow, moment: datetime) -> QueueView:
    fields = {k: getattr(queue, k) for k in QueueFields.__struct_fields__}
    return QueueView(**fields, open_now=await queue.open_at(moment))


async def load(queue_id: uuid.UUID | None) -> QueueRow | None:
    if queue_id is None:
        return None
    return await current().db.fetch_one_as(
        QueueRow, "SELECT * FROM routing_queue WHERE id = {}", queue_id
    )


async def org_path(organization_id: uuid.UUID) -> list[uuid.UUID]:
    """The organization's ancestors from the root down to itself (empty when it is gone)."""
    row = await current().db.fetchone(
        "SELECT path FROM organization_organization WHERE id = {}", organization_id
    )
    if row is None:
        return []
    return [uuid.UUID(p) for p in row["path"].strip("/").split("/")]


async def default_for(organization_id: uuid.UUID) -> QueueRow | None:
    """The default queue of the organization, else of its nearest ancestor that has one."""
    path = await org_path(organization_id)
    for org in reversed(path):
        row = await current().db.fetch_one_as(
            QueueRow,
            "SELECT * FROM routing_queue WHERE organization_id = {} AND is_default = {}"
            " ORDER BY created_at LIMIT 1",
            org,
            True,
        )
        if row is not None:
            return row
    return None


async def queue_for(appeal: AppealRow) -> QueueRow | None:
    """The queue the appeal waits in: its own, else the default one for its organization."""
    queue = await load(appeal.queue_id)
    return queue if queue is not None else await default_for(appeal.organization_id)


# -- administration -----------------------------------------------------------------------


async def _scoped(actor: Actor, permission: str, queue_id: uuid.UUID) -> QueueRow:
    queue = await load(queue_id)
    if queue is None:
        raise NotFound(f"queue {queue_id} does not exist", field="queue_id")
    await _require(actor, permission, queue.organization_id, "queue_id", f"queue {queue_id}")
    return queue


async def _require(
    actor: Actor, permission: str, organization_id: uuid.UUID, field: str, what: str
) -> None:
    """403 when the actor sees the organization's queues but may not do this; else 404."""
    if (await scope_for(actor, permission)).allows(organization_id):
        return
    if permission != READ and (await scope_for(actor, READ)).allows(organization_id):
        raise Forbidden(
            f"permission {permission!r} is required here",
            field=field,
            extra={"permission": permission},
        )
    raise NotFound(f"{what} does not exist", field=field)


async def get(actor: Actor, queue_id: uuid.UUID) -> QueueView:
    from unionline.appeals import clock

    return await view(await _scoped(actor, READ, queue_id), clock.now())


async def list_queues(actor: Actor, organization_id: uuid.UUID | None = None) -> list[QueueView]:
    from unionline.appeals import clock

    scope = await scope_for(actor, READ)
    queues = await current().db.fetch_as(
        QueueRow, "SELECT * FROM routing_queue ORDER BY priority DESC, name, id"
    )
    moment = clock.now()
    return [
        await view(q, moment)
        for q in queues
        if scope.allows(q.organization_id)
        and (organization_id is None or q.organization_id == organization_id)
    ]


async def create(actor: Actor, data: QueueCreate) -> QueueView:
    what = f"organization {data.organization_id}"
    await _require(actor, MANAGE, data.organization_id, "organization_id", what)
    if not await org_path(data.organization_id):
        raise NotFound(f"{what} does not exist", field="organization_id")
    values = _normalized(msgspec.to_builtins(data))
    values["name"] = data.name.strip()
    queue_id = uuid.uuid4()
    async with current().db.transaction():
        await _check(actor, queue_id, values)
        await _insert(queue_id, values)
    return await get(actor, queue_id)


async def update(actor: Actor, queue_id: uuid.UUID, data: QueueUpdate) -> QueueView:
    async with current().db.transaction():
        queue = await _scoped(actor, MANAGE, queue_id)
        changes = _normalized(msgspec.to_builtins(data))  # UNSET fields are left out
        if "name" in changes:
            changes["name"] = changes["name"].strip()
        values = {**_normalized(msgspec.to_builtins(queue)), **changes}
        await _check(actor, queue_id, values)
        if changes:
            await _update(queue_id, changes)
    return await get(actor, queue_id)


async def delete(actor: Actor, queue_id: uuid.UUID) -> None:
    db = current().db
    async with db.transaction():
        await _scoped(actor, MANAGE, queue_id)
        waiting = await db.fetchone(
            "SELECT COUNT(*) AS n FROM appeal_appeal WHERE queue_id = {}"
            f" AND status IN {ACTIVE_SQL}",
            queue_id,
        )
        if waiting and int(waiting["n"]):
            raise Conflict("appeals are still in this queue: move them first", field="queue_id")
        feeder = await db.fetchone(
            "SELECT id FROM routing_queue WHERE overflow_queue_id = {} LIMIT 1", queue_id
        )
        if feeder is not None:
            raise Conflict(
                "another queue overflows into this one",
                field="queue_id",
                extra={"queue_id": str(feeder["id"])},
            )
        await db.execute("DELETE FROM routing_queue WHERE id = {}", queue_id)


async def _check(actor: Actor, queue_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Validate what a body cannot say alone: names, strategy, time zone, hours, overflow."""
    strategy = values["strategy"]
    if strategy not in CORE_STRATEGIES and "." not in strategy:
        raise Invalid(
            f"strategy must be one of {', '.join(CORE_STRATEGIES)}, or a plugin's"
            " namespaced name (plugin.strategy)",
            field="strategy",
        )
    if values["timezone"]:
        try:
            zoneinfo.ZoneInfo(values["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise Invalid(f"unknown time zone {values['timezone']!r}", field="timezone") from None
    if hhmm(values["work_end"]) <= hhmm(values["work_start"]):
        raise Invalid("work_end must be later than work_start", field="work_end")
    db = current().db
    clash = await db.fetchone(
        "SELECT id FROM routing_queue WHERE organization_id = {} AND name = {} AND id != {}",
        values["organization_id"],
        values["name"],
        queue_id,
    )
    if clash is not None:
        raise Conflict(f"the organization already has a queue {values['name']!r}", field="name")
    await _check_overflow(actor, queue_id, values)


async def _check_overflow(actor: Actor, queue_id: uuid.UUID, values: dict[str, Any]) -> None:
    target_id = values["overflow_queue_id"]
    if target_id is None:
        return
    target = await load(target_id)
    if target is None or not (await scope_for(actor, READ)).allows(target.organization_id):
        raise NotFound(f"queue {target_id} does not exist", field="overflow_queue_id")
    if target.organization_id not in (await org_path(values["organization_id"]))[:-1]:
        raise Invalid(
            "a queue overflows only into a queue of a parent organization (the federation's)",
            field="overflow_queue_id",
        )
    if values["overflow_after_minutes"] <= 0:
        raise Invalid("overflow_after_minutes must be positive", field="overflow_after_minutes")


_JSON = ("skills", "workdays", "holidays")
_UUIDS = ("id", "organization_id", "overflow_queue_id")


def _normalized(values: dict[str, Any]) -> dict[str, Any]:
    """Builtins (as ``to_builtins`` gives them) with the id fields back as UUIDs."""
    return {k: uuid.UUID(v) if k in _UUIDS and isinstance(v, str) else v for k, v in values.items()}


def _db(name: str, value: Any) -> Any:
    return json.dumps(value, default=str) if name in _JSON else value


async def _insert(queue_id: uuid.UUID, values: dict[str, Any]) -> None:
    now = time.time()
    values = {**values, "id": queue_id, "created_at": now, "updated_at": now}
    names = list(values)
    await current().db.execute(
        f"INSERT INTO routing_queue ({', '.join(names)}) VALUES ({', '.join('{}' for _ in names)})",
        *(_db(n, values[n]) for n in names),
    )
    if values["is_default"]:
        await _only_default(queue_id, values["organization_id"])


async def _update(queue_id: uuid.UUID, changes: dict[str, Any]) -> None:
    changes = {**changes, "updated_at": time.time()}
    names = list(changes)
    db = current().db
    await db.execute(
        f"UPDATE routing_queue SET {', '.join(f'{n} = {{}}' for n in names)} WHERE id = {{}}",
        *(_db(n, changes[n]) for n in names),
        queue_id,
    )
    if changes.get("is_default"):
        row = await load(queue_id)
        assert row is not None
        await _only_default(queue_id, row.organization_id)


async def _only_default(queue_id: uuid.UUID, organization_id: uuid.UUID) -> None:
    """One default queue per organization: the newest default wins."""
    await current().db.execute(
        "UPDATE routing_queue SET is_default = {} WHERE organization_id = {} AND id != {}",
        False,
        organization_id,
        queue_id,
    )
