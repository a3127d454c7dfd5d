"""Robot actions of docflow, registered through the robots SDK like any plugin's.

Triggers are the plugin's events (``docflow.created``, ``docflow.registered``,
``docflow.stage_changed``, ``docflow.decision``, ``docflow.route_finished``,
``docflow.step_overdue``): a rule on them gets the document in ``ctx.event["document_id"]``.
The actions: start a process on the trigger's appeal, register the trigger's document, render a
template onto it. Each acts only inside the rule's organization subtree, describes itself on a
dry run and is idempotent: a process runs once per appeal, a document is registered once, a
template is rendered once per firing (``ctx.idempotency_key``).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import msgspec

from unionline import PermanentFailure, current, subtree_ids
from unionline.plugins.docflow.store import DocumentRow, load_document
from unionline.robots.sdk import (
    ActionOutcome,
    NoParams,
    RobotAction,
    RobotContext,
    appeal_row,
    dry,
    event_id,
    outcome,
    refused,
)


async def _document(ctx: RobotContext) -> DocumentRow:
    document_id = event_id(ctx, "document_id")
    if document_id is None:
        raise PermanentFailure(
            "у срабатывания нет документа" if ctx.locale != "en" else "no document in the trigger"
        )
    doc = await load_document(document_id)
    if doc.organization_id not in await subtree_ids([ctx.organization_id]):
        raise PermanentFailure(
            "документ вне организации правила"
            if ctx.locale != "en"
            else "the document is outside the rule's organization"
        )
    return doc


class ProcessParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    process_id: uuid.UUID


class StartProcess(RobotAction[ProcessParams]):
    name = "docflow.start_process"
    params = ProcessParams
    title: ClassVar[dict[str, str]] = {"ru": "Запустить процесс", "en": "Start a process"}
    labels: ClassVar[dict[str, dict[str, str]]] = {
        "process_id": {"ru": "Процесс", "en": "Process"},
    }

    async def run(self, ctx: RobotContext, params: ProcessParams) -> ActionOutcome:
        from unionline.plugins.docflow import processes
        from unionline.plugins.docflow.schemas import StartProcess as Start

        if ctx.dry_run:
            return dry(ctx, "запустить процесс по обращению", "start a process on the appeal")
        async with current().db.transaction(), refused():
            appeal = await appeal_row(ctx)
            process = await processes.load(params.process_id)
            if process.organization_id not in await _line(appeal.organization_id):
                raise PermanentFailure("процесс не действует в организации обращения")
            made = await current().db.fetchone(
                "SELECT number FROM docflow_document WHERE appeal_id = {} AND process_id = {}",
                appeal.id,
                process.id,
            )
            if made is None:
                doc = await processes.launch(
                    None,
                    process,
                    appeal.organization_id,
                    Start(
                        title=f"{process.name}: {appeal.number}",
                        member_id=appeal.member_id,
                        appeal_id=appeal.id,
                    ),
                )
                number = doc.number or doc.title
            else:
                number = str(made["number"])
        return outcome(ctx, f"процесс «{process.name}»: {number}", f"process «{process.name}»")


async def _line(organization_id: uuid.UUID) -> list[uuid.UUID]:
    from unionline import organization_ancestors

    return await organization_ancestors(organization_id)


class Register(RobotAction[NoParams]):
    name = "docflow.register"
    params = NoParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Зарегистрировать документ",
        "en": "Register the document",
    }

    async def run(self, ctx: RobotContext, params: NoParams) -> ActionOutcome:
        from unionline.plugins.docflow.registration import register

        if ctx.dry_run:
            return dry(ctx, "зарегистрировать документ", "register the document")
        async with refused():
            doc = await _document(ctx)
            if not doc.number:
                doc = await register(None, doc.id)
        return outcome(ctx, f"документ № {doc.number}", f"document № {doc.number}")


class RenderParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    template_id: uuid.UUID
    pdf: bool = False


class Render(RobotAction[RenderParams]):
    name = "docflow.render"
    params = RenderParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Сформировать документ по шаблону",
        "en": "Render a template onto the document",
    }
    labels: ClassVar[dict[str, dict[str, str]]] = {
        "template_id": {"ru": "Шаблон", "en": "Template"},
        "pdf": {"ru": "Также в PDF", "en": "Also as PDF"},
    }

    async def run(self, ctx: RobotContext, params: RenderParams) -> ActionOutcome:
        from unionline.plugins.docflow.templates import render_for

        if ctx.dry_run:
            return dry(ctx, "сформировать документ по шаблону", "render the template")
        db = current().db
        mark = uuid.uuid5(uuid.NAMESPACE_URL, f"docflow.render:{ctx.idempotency_key}")
        async with db.transaction(), refused():
            doc = await _document(ctx)
            key = f"{doc.id}:robot:{mark}"
            if await db.fetchone("SELECT id FROM docflow_link WHERE key = {}", key):
                return outcome(ctx, "документ уже сформирован", "already rendered")
            await db.execute(
                "INSERT INTO docflow_link (id, document_id, kind, target_id, key)"
                " VALUES ({}, {}, 'robot', {}, {})",
                uuid.uuid4(),
                doc.id,
                mark,
                key,
            )
            files = await render_for(None, doc, params.template_id, params.pdf)
        return outcome(ctx, f"файл «{files[0].name}»", f"file «{files[0].name}»")


ACTIONS: tuple[RobotAction[Any], ...] = (StartProcess(), Register(), Render())
