"""Making tasks: from a request, a template, an appeal, a robot step or a recurring series.

Everything a new task consists of — its row, people, checklist, subtasks, links, the history
line and ``tasks.created`` — is written in one transaction. A robot's or a series' task carries
a unique key (``robot_key``), so a step run twice makes one task.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from unionline import (
    Actor,
    AppealRow,
    Invalid,
    NotFound,
    current,
    load_appeal,
    now,
    publish,
    scope_for,
)
from unionline.calendar import calendar_for
from unionline.plugins.tasks import rights
from unionline.plugins.tasks.projects import require_member
from unionline.plugins.tasks.schemas import ChecklistDraft, NewTask, TaskCreated
from unionline.plugins.tasks.store import (
    TaskRow,
    json_value,
    load_task,
    record,
    recount_checklist,
    recount_subtasks,
)
from unionline.plugins.tasks.templates import TemplateRow, load_template
from unionline.rows import IdRow

APPEALS_READ = "appeals.read"


class Draft(msgspec.Struct, kw_only=True):
    """A task about to be inserted, every choice made."""

    organization_id: uuid.UUID
    title: str
    description: str = ""
    creator_id: uuid.UUID | None = None
    responsible_id: uuid.UUID | None = None
    coexecutors: list[uuid.UUID] = []
    observers: list[uuid.UUID] = []
    priority: str = "normal"
    deadline: datetime | None = None
    acceptance: bool = False
    project_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    appeal_id: uuid.UUID | None = None
    member_id: uuid.UUID | None = None
    template_id: uuid.UUID | None = None
    series_id: uuid.UUID | None = None
    tags: list[str] = []
    checklist: list[ChecklistDraft] = []
    subtasks: list[str] = []
    robot_key: str | None = None


async def create(actor: Actor, data: NewTask) -> TaskRow:
    """A task set by ``actor`` (``tasks.create`` in its organization; someone else responsible
    needs ``tasks.assign``)."""
    actor.require(rights.CREATE)
    async with current().db.transaction():
        draft = await _draft(actor, data)
        await rights.require_in_scope(actor, rights.CREATE, draft.organization_id)
        await rights.check_people(
            actor,
            draft.organization_id,
            draft.responsible_id,
            [*draft.coexecutors, *draft.observers],
        )
        if draft.project_id is not None:
            await _project_in(actor, draft.project_id)
        return await insert(draft)


async def _draft(actor: Actor, data: NewTask) -> Draft:
    template = await load_template(data.template_id) if data.template_id else None
    draft = (
        from_template(template) if template else Draft(organization_id=uuid.UUID(int=0), title="")
    )
    org = data.organization_id or (template.organization_id if template else None)
    if data.appeal_id is not None:
        appeal = await _appeal(actor, data.appeal_id)
        org = data.organization_id or appeal.organization_id
        draft.appeal_id, draft.member_id = appeal.id, appeal.member_id
        if not (data.title or template):
            draft.title = f"По обращению {appeal.number}: {appeal.subject}"[:300]
    if data.parent_id is not None:
        parent = await rights.visible(actor, await load_task(data.parent_id))
        org = org or parent.organization_id
        draft.parent_id = parent.id
        draft.project_id = draft.project_id or parent.project_id
    if org is None:
        raise Invalid(
            "organization_id is required (or an appeal or a parent task)", field="organization_id"
        )
    draft.organization_id = org
    _apply(draft, data)
    draft.creator_id = actor.operator_id
    draft.responsible_id = data.responsible_id or draft.responsible_id or actor.operator_id
    days = data.deadline_days
    if days is None and data.deadline is None and template is not None:
        days = template.deadline_days
    if days is not None:
        draft.deadline = await deadline_in(draft.organization_id, days)
    return draft


def _apply(draft: Draft, data: NewTask) -> None:
    """What the request says over what the template said."""
    if data.title:
        draft.title = data.title
    if not draft.title:
        raise Invalid("title is required without a template", field="title")
    draft.description = data.description or draft.description
    if data.priority != "normal" or not draft.priority:
        draft.priority = data.priority
    draft.acceptance = data.acceptance or draft.acceptance
    draft.project_id = data.project_id or draft.project_id
    draft.coexecutors = list(dict.fromkeys([*draft.coexecutors, *data.coexecutors]))
    draft.observers = list(dict.fromkeys([*draft.observers, *data.observers]))
    draft.tags = list(dict.fromkeys([*draft.tags, *data.tags]))
    draft.checklist = [*draft.checklist, *data.checklist]
    draft.deadline = data.deadline or draft.deadline
    draft.member_id = data.member_id or draft.member_id


async def deadline_in(
    organization_id: uuid.UUID, days: int, start: datetime | None = None
) -> datetime:
    """The end of business of the ``days``-th working day from ``start`` (now), in the
    organization's calendar (production calendar, overrides, time zone)."""
    cal = await calendar_for(organization_id)
    return cal.add_working_days(start or now(), days)


def from_template(template: TemplateRow) -> Draft:
    return Draft(
        organization_id=template.organization_id,
        title=template.title,
        description=template.description,
        priority=template.priority,
        acceptance=template.acceptance,
        project_id=template.project_id,
        responsible_id=template.responsible_id,
        observers=list(template.observers),
        checklist=list(template.checklist),
        subtasks=list(template.subtasks),
        tags=list(template.tags),
        template_id=template.id,
    )


async def _appeal(actor: Actor, appeal_id: uuid.UUID) -> AppealRow:
    appeal = await load_appeal(appeal_id, field="appeal_id")
    if not (await scope_for(actor, APPEALS_READ)).allows(appeal.organization_id):
        raise NotFound(f"appeal {appeal_id} does not exist", field="appeal_id")
    return appeal


class _OrganizationOf(msgspec.Struct, frozen=True):
    organization_id: uuid.UUID


async def _project_in(actor: Actor, project_id: uuid.UUID) -> None:
    row = await current().db.fetch_one_as(
        _OrganizationOf, "SELECT organization_id FROM tasks_project WHERE id = {}", project_id
    )
    if row is None or not (await scope_for(actor, rights.READ)).allows(row.organization_id):
        raise NotFound(f"project {project_id} does not exist", field="project_id")
    await require_member(actor, project_id)


# -- the insert ---------------------------------------------------------------------------------


async def insert(draft: Draft) -> TaskRow:
    """Write the task with its parts (inside the caller's transaction, or one of its own).
    With a ``robot_key`` already used, the task made then is answered and nothing is written."""
    db = current().db
    async with db.transaction():
        if draft.robot_key is not None:
            found = await db.fetch_one_as(
                IdRow, "SELECT id FROM tasks_task WHERE robot_key = {}", draft.robot_key
            )
            if found is not None:
                return await load_task(found.id)
        task_id = uuid.uuid4()
        stage_id = await _first_stage(draft.project_id)
        rank = await _end_rank(draft.project_id, stage_id, "new")
        moment = now()
        await db.execute(_INSERT, *_values(task_id, draft, stage_id, rank, moment))
        await _parts(task_id, draft)
        task = await load_task(task_id)
        await record(
            task_id, draft.creator_id, "created", {}, {"title": draft.title, "status": "new"}
        )
        await publish(
            TaskCreated(
                organization_id=task.organization_id,
                task_id=task.id,
                appeal_id=task.appeal_id,
                project_id=task.project_id,
                title=task.title,
                responsible_id=task.responsible_id,
                creator_id=task.creator_id,
                status=task.status,
            )
        )
        for title in draft.subtasks:
            await insert(_subtask(draft, task_id, title))
        if draft.parent_id is not None:
            await recount_subtasks(draft.parent_id)
        return await load_task(task_id)


_COLUMNS = (
    "id, organization_id, project_id, stage_id, rank, parent_id, title, description, status,"
    " priority, creator_id, responsible_id, acceptance, deadline, appeal_id, member_id,"
    " template_id, series_id, tags, robot_key, created_at, updated_at"
)
_INSERT = (
    f"INSERT INTO tasks_task ({_COLUMNS}, checklist_total, checklist_done, subtasks_total,"
    f" subtasks_done, comments) VALUES ({', '.join('{}' for _ in _COLUMNS.split(','))},"
    " 0, 0, 0, 0, 0)"
)


def _values(
    task_id: uuid.UUID, d: Draft, stage_id: uuid.UUID | None, rank: str, at: datetime
) -> list[Any]:
    return [
        task_id,
        d.organization_id,
        d.project_id,
        stage_id,
        rank,
        d.parent_id,
        d.title,
        d.description,
        "new",
        d.priority,
        d.creator_id,
        d.responsible_id,
        d.acceptance,
        d.deadline,
        d.appeal_id,
        d.member_id,
        d.template_id,
        d.series_id,
        json_value(d.tags),
        d.robot_key,
        at,
        at,
    ]


def _subtask(parent: Draft, parent_id: uuid.UUID, title: str) -> Draft:
    return Draft(
        organization_id=parent.organization_id,
        title=title,
        creator_id=parent.creator_id,
        responsible_id=parent.responsible_id,
        priority=parent.priority,
        deadline=parent.deadline,
        project_id=parent.project_id,
        parent_id=parent_id,
        series_id=parent.series_id,
    )


async def _parts(task_id: uuid.UUID, draft: Draft) -> None:
    db = current().db
    for role, people in (("coexecutor", draft.coexecutors), ("observer", draft.observers)):
        for who in people:
            await add_participant(task_id, who, role)
    await add_items(task_id, draft.checklist, None)
    if draft.checklist:
        await recount_checklist(task_id)
    for kind, target in (("appeal", draft.appeal_id), ("member", draft.member_id)):
        if target is not None:
            await db.execute(
                "INSERT INTO tasks_link (id, task_id, kind, target_id, key)"
                " VALUES ({}, {}, {}, {}, {})"
                " ON CONFLICT (key) DO NOTHING",
                uuid.uuid4(),
                task_id,
                kind,
                target,
                f"{task_id}:{kind}:{target}",
            )


async def add_participant(task_id: uuid.UUID, operator_id: uuid.UUID, role: str) -> None:
    await current().db.execute(
        "INSERT INTO tasks_participant (id, task_id, operator_id, role, key)"
        " VALUES ({}, {}, {}, {}, {}) ON CONFLICT (key) DO NOTHING",
        uuid.uuid4(),
        task_id,
        operator_id,
        role,
        f"{task_id}:{operator_id}:{role}",
    )


async def add_items(
    task_id: uuid.UUID, items: list[ChecklistDraft], parent: uuid.UUID | None
) -> None:
    for position, item in enumerate(items):
        item_id = uuid.uuid4()
        await current().db.execute(
            "INSERT INTO tasks_checklist_item (id, task_id, parent_id, text, done, important,"
            " assignee_id, position) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            item_id,
            task_id,
            parent,
            item.text,
            False,
            item.important,
            item.assignee_id,
            position,
        )
        await add_items(task_id, item.items, item_id)


async def _first_stage(project_id: uuid.UUID | None) -> uuid.UUID | None:
    if project_id is None:
        return None
    row = await current().db.fetch_one_as(
        IdRow,
        "SELECT id FROM tasks_stage WHERE project_id = {} ORDER BY position LIMIT 1",
        project_id,
    )
    return row.id if row else None


async def _end_rank(project_id: uuid.UUID | None, stage_id: uuid.UUID | None, status: str) -> str:
    from unionline.plugins.tasks.board import column_last, ranks

    last = await column_last(project_id, stage_id, status)
    return ranks.between(last, None)
