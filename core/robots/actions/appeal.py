"""Core actions on the trigger's appeal: note, status, priority, tags, assign, transfer.

Status, priority, tags and assignment are idempotent by nature (setting a value twice changes
it once); a note carries the step's key, so a retried step finds it and writes none.
"""

from __future__ import annotations

import uuid
from typing import Annotated, ClassVar

import msgspec

from unionline.appeals.statuses import Priority, Status
from unionline.errors import PermanentFailure
from unionline.robots.actions.base import (
    appeal_row,
    dry,
    marked_entry,
    outcome,
    refused,
    say,
    stamp,
    subtree,
)
from unionline.robots.actions.text import LocalizedText, render, values_for
from unionline.robots.sdk import ActionOutcome, RobotAction, RobotContext
from unionline.runtime import current
from unionline.text import WHITE_SPACE

# Not blank and without NUL: msgspec takes one pattern per type, so this one also does what
# unionline.text.Text does. White space spelled out (a client's \s is another set).
Tag = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=100,
        pattern=rf"^[{WHITE_SPACE}]*[^{WHITE_SPACE}\x00][^\x00]*$(?!\n)",
    ),
]
Tags = Annotated[list[Tag], msgspec.Meta(min_length=1, max_length=20)]


# -- note -------------------------------------------------------------------------------------


class NoteParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: LocalizedText  # placeholders as in messages: {appeal.number}, {member.name}, ...


class AddNote(RobotAction[NoteParams]):
    name = "appeal.add_note"
    params = NoteParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Добавить внутреннюю заметку",
        "en": "Add an internal note",
    }

    labels: ClassVar[dict[str, dict[str, str]]] = {"text": {"ru": "Текст", "en": "Text"}}

    async def run(self, ctx: RobotContext, params: NoteParams) -> ActionOutcome:
        from unionline.appeals.services import add_note

        row = await appeal_row(ctx)
        text = render(params.text.pick(ctx.locale), await values_for(row, ctx.variables))
        if ctx.dry_run:
            return dry(ctx, f"заметка «{text}»", f"note “{text}”", text=text)
        async with current().db.transaction(), refused():
            row = await appeal_row(ctx, lock=True)
            done = await marked_entry(row.id, ctx.idempotency_key)
            if done is not None:
                return outcome(
                    ctx, "заметка уже добавлена", "note already added", entry_id=done["id"]
                )
            entry = await add_note(None, row.id, text)
            await stamp(entry.id, entry.data, ctx)
        return outcome(ctx, f"заметка «{text}»", f"note “{text}”", entry_id=entry.id)


# -- status, priority -------------------------------------------------------------------------


class StatusParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    status: Status


class SetStatus(RobotAction[StatusParams]):
    name = "appeal.set_status"
    params = StatusParams
    title: ClassVar[dict[str, str]] = {"ru": "Изменить статус", "en": "Set the status"}

    labels: ClassVar[dict[str, dict[str, str]]] = {
        "status": {"ru": "Новый статус", "en": "New status"}
    }

    async def run(self, ctx: RobotContext, params: StatusParams) -> ActionOutcome:
        from unionline.appeals.services import set_status

        row = await appeal_row(ctx)
        ru, en = f"статус {params.status}", f"status {params.status}"
        if ctx.dry_run:
            return dry(ctx, ru, en, old=row.status, new=params.status)
        if row.status == params.status:
            return outcome(ctx, f"{ru} (без изменений)", f"{en} (unchanged)", new=params.status)
        async with refused():
            await set_status(None, row.id, params.status)
        return outcome(ctx, ru, en, old=row.status, new=params.status)


class PriorityParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    priority: Priority


class SetPriority(RobotAction[PriorityParams]):
    name = "appeal.set_priority"
    params = PriorityParams
    title: ClassVar[dict[str, str]] = {"ru": "Изменить приоритет", "en": "Set the priority"}

    labels: ClassVar[dict[str, dict[str, str]]] = {
        "priority": {"ru": "Новый приоритет", "en": "New priority"}
    }

    async def run(self, ctx: RobotContext, params: PriorityParams) -> ActionOutcome:
        from unionline.appeals.services import set_priority

        row = await appeal_row(ctx)
        ru, en = f"приоритет {params.priority}", f"priority {params.priority}"
        if ctx.dry_run:
            return dry(ctx, ru, en, old=row.priority, new=params.priority)
        async with refused():
            await set_priority(None, row.id, params.priority)
        return outcome(ctx, ru, en, old=row.priority, new=params.priority)


# -- tags -------------------------------------------------------------------------------------


class TagsParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    tags: Tags


class AddTags(RobotAction[TagsParams]):
    name = "appeal.add_tags"
    params = TagsParams
    title: ClassVar[dict[str, str]] = {"ru": "Добавить метки", "en": "Add tags"}

    labels: ClassVar[dict[str, dict[str, str]]] = {"tags": {"ru": "Метки", "en": "Tags"}}

    async def run(self, ctx: RobotContext, params: TagsParams) -> ActionOutcome:
        return await _retag(ctx, params.tags, add=True)


class RemoveTags(RobotAction[TagsParams]):
    name = "appeal.remove_tags"
    params = TagsParams
    title: ClassVar[dict[str, str]] = {"ru": "Снять метки", "en": "Remove tags"}

    labels: ClassVar[dict[str, dict[str, str]]] = {"tags": {"ru": "Метки", "en": "Tags"}}

    async def run(self, ctx: RobotContext, params: TagsParams) -> ActionOutcome:
        return await _retag(ctx, params.tags, add=False)


async def _retag(ctx: RobotContext, tags: list[str], *, add: bool) -> ActionOutcome:
    from unionline.appeals import fields
    from unionline.appeals.services import set_tags

    async with refused():
        wanted = fields.tags(tags)
    listed = ", ".join(wanted)
    ru, en = (
        (f"метки +{listed}", f"tags +{listed}") if add else (f"метки −{listed}", f"tags −{listed}")
    )
    if ctx.dry_run:
        await appeal_row(ctx)
        return dry(ctx, ru, en, tags=wanted)
    async with current().db.transaction(), refused():
        row = await appeal_row(ctx, lock=True)
        old = list(row.tags)
        new = (
            old + [t for t in wanted if t not in old]
            if add
            else [t for t in old if t not in wanted]
        )
        if new != old:
            await set_tags(None, row.id, new)
    return outcome(ctx, ru, en, old=old, new=new)


# -- assignment and transfer --------------------------------------------------------------------


class AssignParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    operator_id: uuid.UUID | None  # None: unassign


class Assign(RobotAction[AssignParams]):
    name = "appeal.assign"
    params = AssignParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Назначить оператора",
        "en": "Assign to an operator",
    }

    labels: ClassVar[dict[str, dict[str, str]]] = {
        "operator_id": {"ru": "Оператор", "en": "Operator"}
    }

    async def run(self, ctx: RobotContext, params: AssignParams) -> ActionOutcome:
        from unionline.appeals.services import assign

        row = await appeal_row(ctx)
        who = str(params.operator_id) if params.operator_id else "—"
        if params.operator_id is not None:
            await _check_operator(ctx, params.operator_id, row.organization_id)
        ru, en = f"назначено: {who}", f"assigned to {who}"
        if ctx.dry_run:
            return dry(ctx, ru, en, operator_id=who)
        if row.assignee_id != params.operator_id:
            async with refused():
                await assign(None, row.id, params.operator_id)
        return outcome(ctx, ru, en, old=str(row.assignee_id or ""), new=who)


async def _check_operator(
    ctx: RobotContext, operator_id: uuid.UUID, organization_id: uuid.UUID
) -> None:
    """The operator must be active and work on appeals of the appeal's organization (which is
    inside the rule's subtree): an operator of another organization is refused for good."""
    from unionline.appeals import guard
    from unionline.operators.services import actor_for

    other = await actor_for(operator_id)
    if other is None:
        raise PermanentFailure(
            say(ctx, f"нет активного оператора {operator_id}", f"no active operator {operator_id}")
        )
    if not await guard.allows(other, guard.REPLY, organization_id):
        raise PermanentFailure(
            say(
                ctx,
                f"оператор {operator_id} не работает с обращениями этой организации",
                f"operator {operator_id} does not work on appeals of this organization",
            )
        )


class TransferParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    queue_id: uuid.UUID


class Transfer(RobotAction[TransferParams]):
    name = "appeal.transfer"
    params = TransferParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Передать в очередь",
        "en": "Transfer to a queue",
    }

    labels: ClassVar[dict[str, dict[str, str]]] = {"queue_id": {"ru": "Очередь", "en": "Queue"}}

    async def run(self, ctx: RobotContext, params: TransferParams) -> ActionOutcome:
        from unionline.routing.queues import load as load_queue
        from unionline.routing.services import transfer_to_queue

        row = await appeal_row(ctx)
        queue = await load_queue(params.queue_id)
        if queue is None or queue.organization_id not in await subtree(ctx):
            raise PermanentFailure(
                say(
                    ctx,
                    f"очереди {params.queue_id} нет в организации правила",
                    f"queue {params.queue_id} is not in the rule's organization",
                )
            )
        ru, en = f"передано в очередь «{queue.name}»", f"transferred to queue {queue.name!r}"
        if ctx.dry_run:
            return dry(ctx, ru, en, queue_id=str(queue.id))
        if row.queue_id == queue.id and row.assignee_id is None:
            return outcome(ctx, f"{ru} (уже там)", f"{en} (already there)", queue_id=str(queue.id))
        async with refused():
            await transfer_to_queue(None, row.id, queue.id)
        return outcome(ctx, ru, en, queue_id=str(queue.id))
