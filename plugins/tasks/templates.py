"""Task templates: a ready task (checklist, observers, subtasks, a deadline in working days)
that a person, a robot step or a recurring series makes tasks from."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from unionline import Actor, NotFound, current, now, scope_for
from unionline.plugins.tasks import rights
from unionline.plugins.tasks.schemas import ChecklistDraft, NewTemplate, TemplateView
from unionline.plugins.tasks.store import json_value


class TemplateRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    title: str
    description: str
    priority: str
    deadline_days: int | None
    acceptance: bool
    project_id: uuid.UUID | None
    responsible_id: uuid.UUID | None
    observers: list[uuid.UUID]
    checklist: list[ChecklistDraft]
    subtasks: list[str]
    tags: list[str]
    created_at: datetime


async def load_template(template_id: uuid.UUID) -> TemplateRow:
    row = await current().db.fetch_one_as(
        TemplateRow, "SELECT * FROM tasks_template WHERE id = {}", template_id
    )
    if row is None:
        raise NotFound(f"template {template_id} does not exist", field="template_id")
    return row


def view(row: TemplateRow) -> TemplateView:
    fields = {k: getattr(row, k) for k in TemplateView.__struct_fields__}
    return TemplateView(**fields)


async def create(actor: Actor, data: NewTemplate) -> TemplateView:
    await rights.require_in_scope(actor, rights.TEMPLATES, data.organization_id)
    await rights.check_people(actor, data.organization_id, None, [*data.observers])
    template_id = uuid.uuid4()
    await current().db.execute(
        "INSERT INTO tasks_template (id, organization_id, name, title, description, priority,"
        " deadline_days, acceptance, project_id, responsible_id, observers, checklist, subtasks,"
        " tags, created_by, created_at) VALUES"
        " ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
        template_id,
        data.organization_id,
        data.name,
        data.title,
        data.description,
        data.priority,
        data.deadline_days,
        data.acceptance,
        data.project_id,
        data.responsible_id,
        json_value(data.observers),
        json_value(data.checklist),
        json_value(data.subtasks),
        json_value(data.tags),
        actor.operator_id,
        now(),
    )
    return view(await load_template(template_id))


async def listing(actor: Actor) -> list[TemplateView]:
    actor.require(rights.READ)
    ids = (await scope_for(actor, rights.READ)).ids()
    if ids is not None and not ids:
        return []
    where = "" if ids is None else f" WHERE organization_id IN ({', '.join('{}' for _ in ids)})"
    rows = await current().db.fetch_as(
        TemplateRow, f"SELECT * FROM tasks_template{where} ORDER BY name", *(ids or [])
    )
    return [view(r) for r in rows]


async def visible(actor: Actor, template_id: uuid.UUID, permission: str) -> TemplateRow:
    row = await load_template(template_id)
    actor.require(permission)
    if not (await scope_for(actor, permission)).allows(row.organization_id):
        raise NotFound(f"template {template_id} does not exist", field="template_id")
    return row


async def delete(actor: Actor, template_id: uuid.UUID) -> None:
    await visible(actor, template_id, rights.TEMPLATES)
    await current().db.execute("DELETE FROM tasks_template WHERE id = {}", template_id)
