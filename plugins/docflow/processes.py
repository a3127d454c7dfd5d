"""Processes: a route template bound to a form. Staff processes (leave, business trip) start
from the console; members' ones (material aid, camp voucher) from a site form's topic or from
an operator on an appeal. The document is made, registered and sent on its route in one
transaction; the decision reaches the member on their own channel, once."""

from __future__ import annotations

import uuid

import msgspec

from unionline import (
    Actor,
    Conflict,
    Event,
    Invalid,
    JobContext,
    NotFound,
    PermanentFailure,
    appeal_messages,
    current,
    enqueue,
    load_appeal,
    organization_ancestors,
    reply_to_member,
)
from unionline.plugins.docflow import rights
from unionline.plugins.docflow.catalog import serves
from unionline.plugins.docflow.documents import create_unchecked
from unionline.plugins.docflow.registration import register
from unionline.plugins.docflow.routing import may_hold, start
from unionline.plugins.docflow.schemas import (
    NewDocument,
    NewProcess,
    ProcessChange,
    ProcessView,
    StageSpec,
    StartProcess,
)
from unionline.plugins.docflow.store import DocumentRow, in_scope, load_document, load_kind, marks
from unionline.plugins.docflow.tables import Process
from unionline.rows import IdRow, db_value

START = "docflow.start_from_form"


class ProcessRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    kind_id: uuid.UUID
    audience: str
    form: str
    stages: list[StageSpec]
    template_id: uuid.UUID | None
    archived: bool


class _TemplateOf(msgspec.Struct, kw_only=True):
    organization_id: uuid.UUID
    archived: bool


class _RouteOf(msgspec.Struct, kw_only=True):
    document_id: uuid.UUID
    status: str


def view(row: ProcessRow) -> ProcessView:
    return ProcessView(**msgspec.structs.asdict(row))


async def _check(organization_id: uuid.UUID, data: NewProcess | ProcessChange) -> None:
    """Its kind and template serve the organization and are not archived; every person of
    the stages may hold its documents (422 naming ``stages[i].assignees[j]``)."""
    kind = await load_kind(data.kind_id)
    if kind.archived or not await serves(kind.organization_id, organization_id):
        raise Invalid("this kind does not serve the organization", field="kind_id")
    for i, stage in enumerate(data.stages):
        for j, person in enumerate(stage.assignees):
            await may_hold(person, organization_id, f"stages[{i}].assignees[{j}]")
    if data.template_id is not None:
        found = await current().db.fetch_one_as(
            _TemplateOf,
            "SELECT organization_id, archived FROM docflow_template WHERE id = {}",
            data.template_id,
        )
        if (
            found is None
            or found.archived
            or not await serves(found.organization_id, organization_id)
        ):
            raise Invalid("no such template serves the organization", field="template_id")


async def create(actor: Actor, data: NewProcess) -> ProcessView:
    await rights.require_in_scope(actor, rights.MANAGE, data.organization_id)
    await _check(data.organization_id, data)
    row = Process(
        organization_id=data.organization_id,
        name=data.name,
        kind_id=data.kind_id,
        audience=data.audience,
        form=data.form.strip(),
        stages=msgspec.to_builtins(data.stages),
        template_id=data.template_id,
    )
    async with current().db.transaction():
        await row.save()
    return view(await load(row.id))


async def update(actor: Actor, process_id: uuid.UUID, data: ProcessChange) -> ProcessView:
    """Change a process in the designer: documents already on their route keep the stages
    they started with; the next start takes the new ones."""
    from unionline.plugins.docflow.catalog import managed

    process = await load(process_id)
    await managed(actor, process.organization_id, "process_id", "process")
    await _check(process.organization_id, data)
    db = current().db
    async with db.transaction():
        await db.execute(
            "UPDATE docflow_process SET name = {}, kind_id = {}, audience = {}, form = {},"
            " stages = {}, template_id = {} WHERE id = {}",
            data.name,
            data.kind_id,
            data.audience,
            data.form.strip(),
            db_value(msgspec.to_builtins(data.stages)),
            data.template_id,
            process.id,
        )
    return view(await load(process_id))


async def archive(actor: Actor, process_id: uuid.UUID, archived: bool) -> ProcessView:
    """An archived process starts no more (console, appeal, site form); documents it made
    keep their route. Bringing it back checks its kind and template again."""
    from unionline.plugins.docflow.catalog import managed

    process = await load(process_id)
    await managed(actor, process.organization_id, "process_id", "process")
    if not archived:
        try:
            await _check(
                process.organization_id,
                ProcessChange(
                    name=process.name,
                    kind_id=process.kind_id,
                    stages=process.stages,
                    template_id=process.template_id,
                ),
            )
        except Invalid as exc:
            raise Conflict(f"it cannot start again: {exc.message}", field=exc.field) from exc
    async with current().db.transaction():
        await current().db.execute(
            "UPDATE docflow_process SET archived = {} WHERE id = {}", archived, process.id
        )
    return view(await load(process_id))


async def load(process_id: uuid.UUID) -> ProcessRow:
    row = await current().db.fetch_one_as(
        ProcessRow, "SELECT * FROM docflow_process WHERE id = {}", process_id
    )
    if row is None:
        raise NotFound(f"process {process_id} does not exist", field="process_id")
    return row


async def listing(actor: Actor, archived: bool = False) -> list[ProcessView]:
    where, args = in_scope("organization_id", await rights.serving_owner_ids(actor))
    live = "" if archived else " AND NOT archived"
    rows = await current().db.fetch_as(
        ProcessRow,
        f"SELECT * FROM docflow_process WHERE {where}{live} ORDER BY name",
        *args,
    )
    return [view(r) for r in rows]


async def launch(
    actor: Actor | None, process: ProcessRow, organization_id: uuid.UUID, data: StartProcess
) -> DocumentRow:
    """Make the document, register it when its kind has a journal, start the route."""
    async with current().db.transaction():
        doc = await create_unchecked(
            actor.operator_id if actor else None,
            NewDocument(
                organization_id=organization_id,
                kind_id=process.kind_id,
                title=data.title,
                summary=data.summary,
                requisites=data.requisites,
                member_id=data.member_id,
                appeal_id=data.appeal_id,
            ),
            process_id=process.id,
        )
        if doc.journal_id is not None:
            doc = await register(None, doc.id)
        await start(None, doc.id, process.stages)
        if process.template_id is not None:
            from unionline.plugins.docflow.templates import render_for

            await render_for(None, await load_document(doc.id), process.template_id)
    return await load_document(doc.id)


async def start_by_operator(
    actor: Actor, process_id: uuid.UUID, organization_id: uuid.UUID, data: StartProcess
) -> DocumentRow:
    await rights.require_in_scope(actor, rights.WRITE, organization_id)
    process = await load(process_id)
    if process.archived or not await serves(process.organization_id, organization_id):
        raise NotFound(f"process {process_id} does not exist", field="process_id")
    if data.appeal_id is not None:
        appeal = await load_appeal(data.appeal_id)
        if not await rights.allows(actor, rights.READ, appeal.organization_id):
            raise NotFound("appeal does not exist", field="appeal_id")
        data = msgspec.structs.replace(data, member_id=appeal.member_id)
    return await launch(actor, process, organization_id, data)


# -- from a site form --------------------------------------------------------------------------


class StartPayload(msgspec.Struct):
    appeal_id: uuid.UUID
    process_id: uuid.UUID


async def on_event(event: Event) -> None:
    """A site form's appeal whose topic a members' process names starts that process (a job
    keyed by the appeal: a redelivered event starts nothing twice)."""
    appeal = getattr(event, "appeal", None)
    tag = type(event).__struct_config__.tag
    if tag != "appeal.created" or appeal is None or appeal.channel != "webform":
        return
    owners = await organization_ancestors(appeal.organization_id)
    rows = await current().db.fetch_as(
        ProcessRow,
        f"SELECT * FROM docflow_process WHERE organization_id IN ({marks(owners)})"
        " AND audience = 'member' AND form = {} AND NOT archived",
        *owners,
        appeal.subject,
    )
    if rows:
        async with current().db.transaction():
            await enqueue(
                START,
                StartPayload(appeal_id=appeal.id, process_id=rows[0].id),
                key=f"{START}:{appeal.id}",
            )


async def start_from_form(ctx: JobContext, payload: StartPayload) -> None:
    appeal = await load_appeal(payload.appeal_id)
    process = await load(payload.process_id)
    async with current().db.transaction():
        made = await current().db.fetchone(
            "SELECT id FROM docflow_document WHERE appeal_id = {} AND process_id = {}",
            appeal.id,
            process.id,
        )
        if made is not None:
            return
        texts = [m.body for m in await appeal_messages(appeal.id) if m.kind == "message_in"]
        await launch(
            None,
            process,
            appeal.organization_id,
            StartProcess(
                title=f"{process.name}: {appeal.number}",
                summary="\n\n".join(texts)[:20000],
                member_id=appeal.member_id,
                appeal_id=appeal.id,
            ),
        )


# -- the decision to the member ----------------------------------------------------------------


class NoticePayload(msgspec.Struct):
    route_id: uuid.UUID


DECISIONS = {
    "done": "Ваше заявление № {number} рассмотрено и удовлетворено.",
    "rejected": "Ваше заявление № {number} рассмотрено: в удовлетворении отказано.",
}


async def notify_member(ctx: JobContext, payload: NoticePayload) -> None:
    """Tell the member the decision, with the application's number, on the channel they last
    wrote from (a site form cannot carry it: then their latest appeal from another channel).
    The reply and the mark that it was sent commit together: once, however often this runs."""
    db = current().db
    route = await db.fetch_one_as(
        _RouteOf, "SELECT document_id, status FROM docflow_route WHERE id = {}", payload.route_id
    )
    if route is None:
        raise PermanentFailure(f"route {payload.route_id} does not exist")
    doc = await load_document(route.document_id)
    if doc.appeal_id is None or route.status not in DECISIONS:
        return
    key = f"{doc.id}:notice:{payload.route_id}"
    async with db.transaction():
        if await db.fetchone("SELECT id FROM docflow_link WHERE key = {}", key):
            return
        await db.execute(
            "INSERT INTO docflow_link (id, document_id, kind, target_id, key)"
            " VALUES ({}, {}, 'notice', {}, {})",
            uuid.uuid4(),
            doc.id,
            payload.route_id,
            key,
        )
        text = DECISIONS[route.status].format(number=doc.number or doc.title)
        await reply_to_member(None, await _reachable_appeal(doc), text)


async def _reachable_appeal(doc: DocumentRow) -> uuid.UUID:
    assert doc.appeal_id is not None
    appeal = await load_appeal(doc.appeal_id)
    if appeal.channel != "webform":
        return appeal.id
    # The face has no «member's appeals» yet: read the member's latest appeal from a channel
    # that carries replies (a site form does not).
    row = await current().db.fetch_one_as(
        IdRow,
        "SELECT id FROM appeal_appeal WHERE member_id = {} AND channel <> 'webform'"
        " ORDER BY created_at DESC LIMIT 1",
        appeal.member_id,
    )
    return row.id if row else appeal.id
