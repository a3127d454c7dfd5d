"""Who may take an appeal now: the staff of the queue's organization (``appeals.manage``
granted there), active, online, below capacity; with their load, for the strategies.

Load counts the operator's active appeals (new, open, waiting) and their pending offers (an
offer reserves a place). :func:`lock` serializes decisions about one operator across
processes, so two appeals routed at once cannot both take an operator's last place.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from typing import Any

import msgspec

from unionline.appeals import clock
from unionline.appeals.statuses import ACTIVE
from unionline.appeals.store import AppealRow
from unionline.routing.queues import QueueRow, org_path
from unionline.rows import IdRow
from unionline.runtime import current
from unionline.spi import RoutingCandidate, RoutingHold

MANAGE = "appeals.manage"
_LOCK_CLASS = 0x726F7574  # "rout": pg advisory lock class, one key per operator


def _in(values: list[Any]) -> str:
    return ", ".join("{}" for _ in values)


def manage_roles() -> list[str]:
    permission = current().registry.permissions.get(MANAGE)
    return sorted(permission.roles) if permission else []


class Staff(msgspec.Struct, frozen=True):
    """An online operator who may take the queue's appeals."""

    id: uuid.UUID
    capacity: int
    skills: list[str]
    last_assigned_at: float | None


async def online_operators(queue: QueueRow) -> list[Staff]:
    """Active, online operators who staff the queue's organization.

    Staff are those granted a role with ``appeals.manage`` on that very organization (a
    federation-wide grant counts for the root): a federation operator does not take a primary
    organization's appeals until they overflow into a federation queue.
    """
    roles = manage_roles()
    path = await org_path(queue.organization_id)
    if not roles or not path:
        return []
    root = " OR g.organization_id IS NULL" if len(path) == 1 else ""
    return await current().db.fetch_as(
        Staff,
        "SELECT o.id, o.capacity, o.skills, p.last_assigned_at FROM operator_operator o"
        " JOIN routing_presence p ON p.operator_id = o.id"
        " WHERE o.is_active = {} AND p.status = 'online' AND o.id IN ("
        "  SELECT g.operator FROM operator_role_grant g"
        f"  WHERE g.role IN ({_in(roles)}) AND (g.organization_id = {{}}{root}))"
        " ORDER BY o.id",
        True,
        *roles,
        queue.organization_id,
    )


async def loads(operator_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Active appeals plus pending offers of each operator."""
    ids = list(operator_ids)
    found = {i: 0 for i in ids}
    if not ids:
        return found
    db = current().db
    appeals = await db.fetch_as(
        _Load,
        "SELECT assignee_id AS who, COUNT(*) AS n FROM appeal_appeal"
        f" WHERE assignee_id IN ({_in(ids)}) AND status IN ({_in(list(ACTIVE))})"
        " AND merged_into_id IS NULL GROUP BY assignee_id",
        *ids,
        *ACTIVE,
    )
    offers = await db.fetch_as(
        _Load,
        "SELECT operator_id AS who, COUNT(*) AS n FROM routing_offer"
        f" WHERE operator_id IN ({_in(ids)}) AND state = 'pending' GROUP BY operator_id",
        *ids,
    )
    for row in [*appeals, *offers]:
        found[row.who] += row.n
    return found


class _Load(msgspec.Struct):
    who: uuid.UUID
    n: int


async def last_handler(member_id: uuid.UUID, appeal_id: uuid.UUID) -> uuid.UUID | None:
    """The operator of the member's most recently updated other appeal that had one."""
    row = await current().db.fetch_one_as(
        IdRow,
        "SELECT assignee_id AS id FROM appeal_appeal WHERE member_id = {} AND id != {}"
        " AND assignee_id IS NOT NULL ORDER BY updated_at DESC LIMIT 1",
        member_id,
        appeal_id,
    )
    return row.id if row else None


async def holds(operator_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, RoutingHold]:
    """Plugins' holds on these operators now (``routing_holds``: a workday on a break or
    finished, an absence): held operators get no new appeals or offers."""
    return await current().hooks.routing_holds(list(operator_ids), clock.now())


def _holding() -> bool:
    return bool(current().hooks.implementers("routing_holds"))


async def eligible(
    queue: QueueRow, appeal: AppealRow, exclude: Collection[uuid.UUID] = ()
) -> list[RoutingCandidate]:
    """The candidates for ``appeal`` in ``queue``, below capacity, in a stable order."""
    operators = [o for o in await online_operators(queue) if o.id not in exclude]
    if _holding():
        held = await holds(o.id for o in operators)
        operators = [o for o in operators if o.id not in held]
    load = await loads(o.id for o in operators)
    handler = await last_handler(appeal.member_id, appeal.id)
    return [
        RoutingCandidate(
            operator_id=o.id,
            open_appeals=load[o.id],
            capacity=o.capacity,
            skills=tuple(o.skills),
            last_assigned_at=o.last_assigned_at or 0.0,
            handled_member_before=o.id == handler,
        )
        for o in operators
        if load[o.id] < o.capacity
    ]


async def lock(operator_id: uuid.UUID) -> None:
    """Hold the operator until the transaction ends (PostgreSQL; SQLite has one writer)."""
    db = current().db
    if db.is_postgres:
        key = int.from_bytes(operator_id.bytes[:4], "big", signed=True)
        await db.execute("SELECT pg_advisory_xact_lock({}, {})", _LOCK_CLASS, key)


async def has_room(operator_id: uuid.UUID, *, reserved: int = 0) -> bool:
    """Whether the operator is below capacity right now (call under :func:`lock`);
    ``reserved`` places held for what they are about to take (their own offer) count free."""
    row = await current().db.fetchone(
        "SELECT capacity FROM operator_operator WHERE id = {}", operator_id
    )
    if row is None:
        return False
    return (await loads([operator_id]))[operator_id] - reserved < int(row["capacity"])


async def available(operator_id: uuid.UUID) -> bool:
    """Online, active and below capacity (call under :func:`lock`)."""
    row = await current().db.fetchone(
        "SELECT o.is_active, p.status FROM operator_operator o"
        " JOIN routing_presence p ON p.operator_id = o.id WHERE o.id = {}",
        operator_id,
    )
    if row is None or not row["is_active"] or row["status"] != "online":
        return False
    if _holding() and await holds([operator_id]):
        return False
    return await has_room(operator_id)


async def anyone_free() -> bool:
    """Whether any online operator, not held back, has room at all (a cheap stop for draining)."""
    holding = _holding()
    rows = await current().db.fetch_as(
        IdRow,
        "SELECT o.id FROM operator_operator o JOIN routing_presence p ON p.operator_id = o.id"
        " WHERE o.is_active = {} AND p.status = 'online' AND o.capacity > ("
        "  SELECT COUNT(*) FROM appeal_appeal a WHERE a.assignee_id = o.id"
        f"  AND a.status IN ({_in(list(ACTIVE))}) AND a.merged_into_id IS NULL) + ("
        "  SELECT COUNT(*) FROM routing_offer f WHERE f.operator_id = o.id"
        f"  AND f.state = 'pending') {'' if holding else 'LIMIT 1'}",
        True,
        *ACTIVE,
    )
    if not holding or not rows:
        return bool(rows)
    held = await holds(r.id for r in rows)
    return any(r.id not in held for r in rows)
