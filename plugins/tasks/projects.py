"""Projects: groups of tasks with members and their own kanban stages.

A member's **role** in a project decides what they do there, beside the permissions:

* ``manager`` — changes the project (name, description, archive), its stages and members, and
  everything a member does; holders of ``tasks.projects`` over its organization count as managers;
* ``member`` — sets tasks in the project and moves any of its cards; holders of
  ``tasks.manage`` count as members;
* ``viewer`` — sees the board and its tasks, moves none.

Someone who is not a member moves only the cards of tasks they are the creator, responsible or a
co-executor of, and sets no tasks in the project (403 naming ``project_id``).
"""

from __future__ import annotations

import uuid

import msgspec

from unionline import Actor, Conflict, Forbidden, Invalid, NotFound, current, now, scope_for
from unionline.plugins.tasks import rights
from unionline.plugins.tasks.schemas import (
    MembersChange,
    NewProject,
    NewStage,
    Person,
    ProjectChange,
    ProjectView,
    StageChange,
    StageView,
)

ROLES = ("manager", "member", "viewer")

DEFAULT_STAGES = (
    ("Новые", "new"),
    ("В работе", "in_progress"),
    ("На проверке", "waiting_control"),
    ("Готово", "done"),
)


class _ProjectRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    description: str
    archived: bool


class _MemberRow(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID
    role: str


async def create(actor: Actor, data: NewProject) -> ProjectView:
    await rights.require_in_scope(actor, rights.PROJECTS, data.organization_id)
    await rights.check_people(actor, data.organization_id, None, list(data.members))
    db = current().db
    project_id = uuid.uuid4()
    async with db.transaction():
        await db.execute(
            "INSERT INTO tasks_project (id, organization_id, name, description, archived,"
            " created_by, created_at) VALUES ({}, {}, {}, {}, {}, {}, {})",
            project_id,
            data.organization_id,
            data.name,
            data.description,
            False,
            actor.operator_id,
            now(),
        )
        stages = [(n, "") for n in data.stages] or list(DEFAULT_STAGES)
        for position, (name, status) in enumerate(stages):
            await _stage(project_id, name, status, position)
        members = {actor.operator_id: "manager"} | {
            m: "member" for m in data.members if m != actor.operator_id
        }
        for who, role in members.items():
            await db.execute(
                "INSERT INTO tasks_project_member (id, project_id, operator_id, role, key)"
                " VALUES ({}, {}, {}, {}, {})",
                uuid.uuid4(),
                project_id,
                who,
                role,
                f"{project_id}:{who}",
            )
    return await get(actor, project_id)


async def _stage(project_id: uuid.UUID, name: str, status: str, position: int) -> uuid.UUID:
    stage_id = uuid.uuid4()
    await current().db.execute(
        "INSERT INTO tasks_stage (id, project_id, name, position, status)"
        " VALUES ({}, {}, {}, {}, {})",
        stage_id,
        project_id,
        name,
        position,
        status,
    )
    return stage_id


async def visible(
    actor: Actor, project_id: uuid.UUID, permission: str = rights.READ
) -> _ProjectRow:
    actor.require(permission)
    row = await current().db.fetch_one_as(
        _ProjectRow, "SELECT * FROM tasks_project WHERE id = {}", project_id
    )
    if row is None or not (await scope_for(actor, permission)).allows(row.organization_id):
        raise NotFound(f"project {project_id} does not exist", field="project_id")
    return row


async def stages(project_id: uuid.UUID) -> list[StageView]:
    return await current().db.fetch_as(
        StageView,
        "SELECT id, name, position, status FROM tasks_stage WHERE project_id = {}"
        " ORDER BY position, name",
        project_id,
    )


async def get(actor: Actor, project_id: uuid.UUID) -> ProjectView:
    row = await visible(actor, project_id)
    members = await current().db.fetch_as(
        _MemberRow,
        "SELECT operator_id, role FROM tasks_project_member WHERE project_id = {}",
        project_id,
    )
    return ProjectView(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        description=row.description,
        archived=row.archived,
        stages=await stages(project_id),
        members=[Person(operator_id=m.operator_id, role=m.role) for m in members],
        may_edit=await _may_edit(actor, row),
    )


async def listing(actor: Actor) -> list[ProjectView]:
    actor.require(rights.READ)
    ids = (await scope_for(actor, rights.READ)).ids()
    if ids is not None and not ids:
        return []
    where = "" if ids is None else f" AND organization_id IN ({', '.join('{}' for _ in ids)})"
    rows = await current().db.fetch_as(
        _ProjectRow,
        f"SELECT * FROM tasks_project WHERE archived = {{}}{where} ORDER BY name",
        False,
        *(ids or []),
    )
    return [await get(actor, r.id) for r in rows]


async def role_in(actor: Actor, project: _ProjectRow) -> str | None:
    """The actor's role in the project: their own, else the one their permissions give."""
    if await rights.holds(actor, rights.PROJECTS, project.organization_id):
        return "manager"
    row = await current().db.fetchone(
        "SELECT role FROM tasks_project_member WHERE project_id = {} AND operator_id = {}",
        project.id,
        actor.operator_id,
    )
    own = str(row["role"]) if row else None
    if own in ("manager", "member"):
        return own
    if await rights.holds(actor, rights.MANAGE, project.organization_id):
        return "member"
    return own


async def _may_edit(actor: Actor, project: _ProjectRow) -> bool:
    return await role_in(actor, project) == "manager"


async def editable(actor: Actor, project_id: uuid.UUID) -> _ProjectRow:
    """The project, if the actor may change it (its manager); 404 out of scope, 403 otherwise."""
    row = await visible(actor, project_id)
    if not await _may_edit(actor, row):
        raise Forbidden(
            "only the project's managers change it",
            field="project_id",
            extra={"permission": rights.PROJECTS},
        )
    return row


async def require_member(actor: Actor, project_id: uuid.UUID) -> None:
    """Setting a task in the project: its managers and members only (403 naming the field)."""
    row = await visible(actor, project_id)
    if await role_in(actor, row) not in ("manager", "member"):
        raise Forbidden("only the project's members set tasks in it", field="project_id")


async def may_move(actor: Actor, project_id: uuid.UUID, task_roles: frozenset[str]) -> None:
    """Moving a card of the project: its managers and members, or the task's own people."""
    if task_roles & {"creator", "responsible", "coexecutor", "manager"}:
        return
    row = await visible(actor, project_id)
    if await role_in(actor, row) not in ("manager", "member"):
        raise Forbidden("viewers and non-members do not move the project's cards", field="task_id")


async def change(actor: Actor, project_id: uuid.UUID, data: ProjectChange) -> ProjectView:
    await editable(actor, project_id)
    sets = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
    if sets:
        columns = ", ".join(f"{k} = {{}}" for k in sets)
        await current().db.execute(
            f"UPDATE tasks_project SET {columns} WHERE id = {{}}", *sets.values(), project_id
        )
    return await get(actor, project_id)


async def set_members(actor: Actor, project_id: uuid.UUID, data: MembersChange) -> ProjectView:
    """Replace the member list; a project keeps at least one manager."""
    project = await editable(actor, project_id)
    wanted = {m.operator_id: m.role for m in data.members}
    if "manager" not in wanted.values():
        raise Invalid("a project needs at least one manager", field="members")
    for operator_id in wanted:
        await rights.may_see(operator_id, project.organization_id, "members")
    db = current().db
    async with db.transaction():
        await db.execute("DELETE FROM tasks_project_member WHERE project_id = {}", project_id)
        for who, role in wanted.items():
            await db.execute(
                "INSERT INTO tasks_project_member (id, project_id, operator_id, role, key)"
                " VALUES ({}, {}, {}, {}, {})",
                uuid.uuid4(),
                project_id,
                who,
                role,
                f"{project_id}:{who}",
            )
    return await get(actor, project_id)


async def add_stage(actor: Actor, project_id: uuid.UUID, data: NewStage) -> ProjectView:
    await editable(actor, project_id)
    existing = await stages(project_id)
    if len(existing) >= 20:
        raise Invalid("a board has at most 20 stages", field="name")
    await _stage(project_id, data.name, data.status, len(existing))
    return await get(actor, project_id)


async def _stage_of(project_id: uuid.UUID, stage_id: uuid.UUID) -> list[StageView]:
    existing = await stages(project_id)
    if not any(s.id == stage_id for s in existing):
        raise NotFound(f"stage {stage_id} is not on this board", field="stage_id")
    return existing


async def _renumber(ordered: list[StageView]) -> None:
    for position, stage in enumerate(ordered):
        if stage.position != position:
            await current().db.execute(
                "UPDATE tasks_stage SET position = {} WHERE id = {}", position, stage.id
            )


async def change_stage(
    actor: Actor, project_id: uuid.UUID, stage_id: uuid.UUID, data: StageChange
) -> ProjectView:
    """Rename a stage, bind it to a status, or move it to another place on the board."""
    await editable(actor, project_id)
    db = current().db
    async with db.transaction():
        existing = await _stage_of(project_id, stage_id)
        if data.name is not None:
            await db.execute("UPDATE tasks_stage SET name = {} WHERE id = {}", data.name, stage_id)
        if data.status is not None:
            await db.execute(
                "UPDATE tasks_stage SET status = {} WHERE id = {}", data.status, stage_id
            )
        if data.position is not None:
            moving = next(s for s in existing if s.id == stage_id)
            rest = [s for s in existing if s.id != stage_id]
            rest.insert(min(data.position, len(rest)), moving)
            await _renumber(rest)
    return await get(actor, project_id)


async def delete_stage(actor: Actor, project_id: uuid.UUID, stage_id: uuid.UUID) -> ProjectView:
    """Remove an empty stage (409 while cards are in it: move them first); the last stays."""
    await editable(actor, project_id)
    db = current().db
    async with db.transaction():
        existing = await _stage_of(project_id, stage_id)
        if len(existing) == 1:
            raise Conflict("a board keeps at least one stage", field="stage_id")
        cards = await db.fetchone(
            "SELECT COUNT(*) AS n FROM tasks_task WHERE stage_id = {}", stage_id
        )
        if cards and int(cards["n"]):
            raise Conflict(
                f"the stage holds {int(cards['n'])} cards: move them first",
                field="stage_id",
                extra={"cards": int(cards["n"])},
            )
        await db.execute("DELETE FROM tasks_stage WHERE id = {}", stage_id)
        await _renumber([s for s in existing if s.id != stage_id])
    return await get(actor, project_id)
