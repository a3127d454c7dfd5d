"""Who may do what with tasks: the plugin's permissions (granted per role like the core's),
the organization subtree they hold over, and an actor's roles on one task.

* ``tasks.read`` — see tasks of the subtree; ``tasks.create`` — set tasks there (to oneself);
* ``tasks.assign`` — set them to anyone who may see them there (else only to oneself);
* ``tasks.delegate`` — as the responsible, hand one's task to someone else;
* ``tasks.manage`` — act as the creator on any task of the subtree (edit, close, accept,
  move deadlines, reassign);
* ``tasks.projects``, ``tasks.templates`` — keep projects and their stages; templates and
  recurring series.

Out of scope answers 404, as if the task did not exist (as appeals do).
"""

from __future__ import annotations

import uuid

import unionline
from unionline import Actor, Forbidden, Invalid, NotFound, current, scope_for
from unionline.plugins.tasks.store import TaskRow

READ = "tasks.read"
CREATE = "tasks.create"
ASSIGN = "tasks.assign"
DELEGATE = "tasks.delegate"
MANAGE = "tasks.manage"
PROJECTS = "tasks.projects"
TEMPLATES = "tasks.templates"

PERMISSIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        READ,
        "See tasks and projects of the organization subtree",
        ("admin", "supervisor", "operator", "observer"),
    ),
    (
        CREATE,
        "Set tasks (to oneself), comment, tick checklists",
        ("admin", "supervisor", "operator"),
    ),
    (ASSIGN, "Set tasks to anyone in the subtree", ("admin", "supervisor")),
    (DELEGATE, "Hand one's own task to another responsible", ("admin", "supervisor", "operator")),
    (
        MANAGE,
        "Edit, close, accept and move deadlines of any task in the subtree",
        ("admin", "supervisor"),
    ),
    (PROJECTS, "Create projects and their kanban stages", ("admin", "supervisor")),
    (TEMPLATES, "Keep task templates and recurring tasks", ("admin", "supervisor")),
)


async def holds(actor: Actor, permission: str, organization_id: uuid.UUID) -> bool:
    return actor.can(permission) and (await scope_for(actor, permission)).allows(organization_id)


async def require_in_scope(actor: Actor, permission: str, organization_id: uuid.UUID) -> None:
    actor.require(permission)
    if not (await scope_for(actor, permission)).allows(organization_id):
        raise NotFound("organization does not exist", field="organization_id")


async def visible(actor: Actor, task: TaskRow) -> TaskRow:
    """``task`` if the actor may see it; 404 otherwise."""
    actor.require(READ)
    if not (await scope_for(actor, READ)).allows(task.organization_id):
        raise NotFound(f"task {task.id} does not exist", field="task_id")
    return task


async def roles_on(
    actor: Actor, task: TaskRow, participant: frozenset[str] | None = None
) -> frozenset[str]:
    """The actor's roles on ``task`` (see :mod:`.vocabulary`); ``participant``: their
    ``tasks_participant`` roles when the caller read them with the task already."""
    roles: set[str] = set()
    me = actor.operator_id
    if task.creator_id == me:
        roles.add("creator")
    if task.responsible_id == me:
        roles.add("responsible")
    if participant is None:
        rows = await current().db.fetch(
            "SELECT role FROM tasks_participant WHERE task_id = {} AND operator_id = {}",
            task.id,
            me,
        )
        participant = frozenset(str(r["role"]) for r in rows)
    roles.update(participant)
    if actor.can(MANAGE) and (await scope_for(actor, MANAGE)).allows(task.organization_id):
        roles.add("manager")
    return frozenset(roles)


async def may_work(
    actor: Actor, task: TaskRow, participant: frozenset[str] | None = None
) -> frozenset[str]:
    """Roles of someone who may work on the task (comment, tick its checklist): its people,
    or anyone holding ``tasks.create`` there."""
    roles = await roles_on(actor, task, participant)
    if roles - {"observer"}:
        return roles
    if actor.can(CREATE) and (await scope_for(actor, CREATE)).allows(task.organization_id):
        return roles | {"colleague"}
    if roles:
        return roles
    raise Forbidden("only the task's people may change it", extra={"permission": CREATE})


async def check_people(
    actor: Actor,
    organization_id: uuid.UUID,
    responsible_id: uuid.UUID | None,
    others: list[uuid.UUID],
) -> None:
    """The responsible and the co-executors/observers must be active operators who may see the
    task's organization; setting someone else responsible needs ``tasks.assign`` there."""
    if responsible_id not in (None, actor.operator_id) and not await holds(
        actor, ASSIGN, organization_id
    ):
        raise Forbidden(
            "setting a task to someone else needs tasks.assign",
            field="responsible_id",
            extra={"permission": ASSIGN},
        )
    for field, people in (("responsible_id", [responsible_id]), ("people", others)):
        for operator_id in dict.fromkeys(p for p in people if p is not None):
            await may_see(operator_id, organization_id, field)


async def may_see(operator_id: uuid.UUID, organization_id: uuid.UUID, field: str) -> None:
    other = await unionline.actor_for(operator_id)
    if other is None or not other.can(READ):
        raise Invalid(f"operator {operator_id} cannot take tasks", field=field)
    if not (await scope_for(other, READ)).allows(organization_id):
        raise Invalid(f"operator {operator_id} does not see this organization's tasks", field=field)
