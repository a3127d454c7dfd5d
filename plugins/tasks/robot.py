"""Robot actions of tasks, registered through the robots SDK like any plugin's.

Triggers are the plugin's events (``tasks.created``, ``tasks.status_changed``, ``tasks.overdue``,
``tasks.checklist_completed``, ``tasks.subtasks_done``, ``tasks.appeal_tasks_done`` …): a rule
on them gets the task in ``ctx.event["task_id"]``. Every action acts only inside the rule's
organization subtree, describes itself on a dry run, and is idempotent per
``ctx.idempotency_key`` (a made task carries it as its ``robot_key``; a comment, notice or
mail is keyed by it too).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, ClassVar, Literal

import msgspec

from unionline import (
    PermanentFailure,
    current,
    mail_configured,
    notify_operator,
    send_mail,
    subtree_ids,
)
from unionline.plugins.tasks.store import TaskRow, load_task
from unionline.robots.sdk import (
    ActionOutcome,
    RobotAction,
    RobotContext,
    RuleTemplate,
    dry,
    event_id,
    outcome,
    refused,
)

Text500 = Annotated[str, msgspec.Meta(max_length=500)]


async def _task(ctx: RobotContext, *, lock: bool = False) -> TaskRow:
    task_id = event_id(ctx, "task_id")
    if task_id is None:
        raise PermanentFailure(
            "у срабатывания правила нет задачи"
            if ctx.locale != "en"
            else "the trigger concerns no task"
        )
    task = await load_task(task_id, lock=lock)
    if task.organization_id not in await subtree_ids([ctx.organization_id]):
        raise PermanentFailure(
            "задача вне организации правила"
            if ctx.locale != "en"
            else "the task is outside the rule's organization"
        )
    return task


class CreateParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    template_id: uuid.UUID | None = None
    title: Text500 = ""  # empty: the template's, or «По обращению …»
    responsible: Literal["appeal_assignee", "operator", "template"] = "appeal_assignee"
    operator_id: uuid.UUID | None = None
    deadline_days: Annotated[int, msgspec.Meta(ge=0, le=365)] | None = None

    def __post_init__(self) -> None:
        # Refused when the rule is saved (422 naming the field): a responsible «выбранный
        # оператор» with no operator, or «из шаблона» with no template, would make every task
        # of the rule without one.
        if self.responsible == "operator" and self.operator_id is None:
            raise ValueError("Object missing required field `operator_id` (responsible = operator)")
        if self.responsible == "template" and self.template_id is None:
            raise ValueError("Object missing required field `template_id` (responsible = template)")


class CreateTask(RobotAction[CreateParams]):
    name = "tasks.create"
    params = CreateParams
    title: ClassVar[dict[str, str]] = {"ru": "Создать задачу", "en": "Create a task"}
    labels: ClassVar[dict[str, dict[str, str]]] = {
        "template_id": {"ru": "Шаблон задачи", "en": "Task template"},
        "title": {"ru": "Название", "en": "Title"},
        "responsible": {"ru": "Ответственный", "en": "Responsible"},
        "responsible=appeal_assignee": {
            "ru": "исполнитель обращения",
            "en": "the appeal's assignee",
        },
        "responsible=operator": {"ru": "выбранный оператор", "en": "a chosen operator"},
        "responsible=template": {"ru": "из шаблона", "en": "the template's"},
        "operator_id": {"ru": "Оператор", "en": "Operator"},
        "deadline_days": {"ru": "Срок, рабочих дней", "en": "Deadline, working days"},
    }

    async def run(self, ctx: RobotContext, params: CreateParams) -> ActionOutcome:
        from unionline.plugins.tasks import creation

        if ctx.dry_run:
            return dry(ctx, "создать задачу", "create a task")
        async with current().db.transaction(), refused():
            draft = await _draft(ctx, params)
            task = await creation.insert(draft)
        return outcome(ctx, f"задача «{task.title}»", f"task «{task.title}»", task_id=str(task.id))


async def _draft(ctx: RobotContext, params: CreateParams) -> Any:
    from unionline.plugins.tasks import creation
    from unionline.plugins.tasks.templates import load_template
    from unionline.robots.sdk import appeal_row

    draft = creation.Draft(organization_id=ctx.organization_id, title="")
    if params.template_id is not None:
        template = await load_template(params.template_id)
        if template.organization_id not in await subtree_ids([ctx.organization_id]):
            raise PermanentFailure("шаблон вне организации правила")
        draft = creation.from_template(template)
        if template.deadline_days is not None and params.deadline_days is None:
            draft.deadline = await creation.deadline_in(ctx.organization_id, template.deadline_days)
    if ctx.appeal_id is not None:
        appeal = await appeal_row(ctx)
        draft.organization_id, draft.appeal_id, draft.member_id = (
            appeal.organization_id,
            appeal.id,
            appeal.member_id,
        )
        draft.title = draft.title or f"По обращению {appeal.number}: {appeal.subject}"[:300]
        if params.responsible == "appeal_assignee":
            draft.responsible_id = appeal.assignee_id
    draft.title = params.title or draft.title or "Задача робота"
    if params.responsible == "operator":
        draft.responsible_id = params.operator_id
    if params.deadline_days is not None:
        draft.deadline = await creation.deadline_in(draft.organization_id, params.deadline_days)
    draft.robot_key = ctx.idempotency_key
    return draft


class StatusParams(msgspec.Struct, forbid_unknown_fields=True):
    status: Literal["new", "in_progress", "waiting_control", "done", "deferred", "declined"]


class SetStatus(RobotAction[StatusParams]):
    name = "tasks.set_status"
    params = StatusParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Изменить статус задачи",
        "en": "Set the task's status",
    }
    labels: ClassVar[dict[str, dict[str, str]]] = {"status": {"ru": "Статус", "en": "Status"}}

    async def run(self, ctx: RobotContext, params: StatusParams) -> ActionOutcome:
        from unionline.plugins.tasks.changes import apply_status

        if ctx.dry_run:
            return dry(ctx, f"статус задачи: {params.status}", f"task status: {params.status}")
        async with current().db.transaction(), refused():
            task = await _task(ctx, lock=True)
            if task.status != params.status:  # a second run finds it done
                await apply_status(task, params.status, None)
        return outcome(ctx, f"статус задачи: {params.status}", f"task status: {params.status}")


class ResponsibleParams(msgspec.Struct, forbid_unknown_fields=True):
    operator_id: uuid.UUID


class SetResponsible(RobotAction[ResponsibleParams]):
    name = "tasks.set_responsible"
    params = ResponsibleParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Сменить ответственного",
        "en": "Change the responsible",
    }
    labels: ClassVar[dict[str, dict[str, str]]] = {
        "operator_id": {"ru": "Оператор", "en": "Operator"}
    }

    async def run(self, ctx: RobotContext, params: ResponsibleParams) -> ActionOutcome:
        from unionline.plugins.tasks import rights
        from unionline.plugins.tasks.changes import hand_over

        if ctx.dry_run:
            return dry(ctx, "сменить ответственного", "change the responsible")
        async with current().db.transaction(), refused():
            task = await _task(ctx, lock=True)
            await rights.may_see(params.operator_id, task.organization_id, "operator_id")
            if task.responsible_id != params.operator_id:
                await hand_over(task, params.operator_id, None)
        return outcome(ctx, "ответственный сменён", "responsible changed")


class DeadlineParams(msgspec.Struct, forbid_unknown_fields=True):
    days: Annotated[int, msgspec.Meta(ge=0, le=365)]


class SetDeadline(RobotAction[DeadlineParams]):
    name = "tasks.set_deadline"
    params = DeadlineParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Перенести срок задачи",
        "en": "Move the task's deadline",
    }
    labels: ClassVar[dict[str, dict[str, str]]] = {
        "days": {"ru": "Рабочих дней от сейчас", "en": "Working days from now"}
    }

    async def run(self, ctx: RobotContext, params: DeadlineParams) -> ActionOutcome:
        from unionline.plugins.tasks.changes import new_deadline
        from unionline.plugins.tasks.creation import deadline_in

        if ctx.dry_run:
            return dry(
                ctx, f"срок: +{params.days} раб. дн.", f"deadline: +{params.days} working days"
            )
        async with current().db.transaction(), refused():
            task = await _task(ctx, lock=True)
            due = await deadline_in(task.organization_id, params.days)
            if task.deadline != due:
                await new_deadline(task, due, None)
        return outcome(ctx, f"срок: {due:%d.%m.%Y %H:%M}", f"deadline: {due:%Y-%m-%d %H:%M}")


class CommentParams(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]


class AddComment(RobotAction[CommentParams]):
    name = "tasks.comment"
    params = CommentParams
    title: ClassVar[dict[str, str]] = {"ru": "Комментарий к задаче", "en": "Comment on the task"}
    labels: ClassVar[dict[str, dict[str, str]]] = {"text": {"ru": "Текст", "en": "Text"}}

    async def run(self, ctx: RobotContext, params: CommentParams) -> ActionOutcome:
        from unionline.plugins.tasks.parts import robot_comment

        if ctx.dry_run:
            return dry(ctx, "комментарий к задаче", "a comment on the task")
        async with current().db.transaction(), refused():
            task = await _task(ctx, lock=True)
            await robot_comment(task, params.text, ctx.idempotency_key)
        return outcome(ctx, "комментарий добавлен", "comment added")


class NotifyParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    to: Literal["responsible", "creator", "both"] = "responsible"
    text: Text500 = ""
    email: bool = False  # also by e-mail, to their address, when the server sends mail


class Notify(RobotAction[NotifyParams]):
    name = "tasks.notify"
    params = NotifyParams
    title: ClassVar[dict[str, str]] = {"ru": "Уведомить по задаче", "en": "Notify about the task"}
    labels: ClassVar[dict[str, dict[str, str]]] = {
        "to": {"ru": "Кому", "en": "To"},
        "to=responsible": {"ru": "ответственному", "en": "the responsible"},
        "to=creator": {"ru": "постановщику", "en": "the creator"},
        "to=both": {"ru": "обоим", "en": "both"},
        "text": {"ru": "Текст", "en": "Text"},
        "email": {"ru": "Также письмом", "en": "Also by e-mail"},
    }

    async def run(self, ctx: RobotContext, params: NotifyParams) -> ActionOutcome:
        task = await _task(ctx)
        people = [
            who
            for role, who in (("responsible", task.responsible_id), ("creator", task.creator_id))
            if who is not None and params.to in (role, "both")
        ]
        if ctx.dry_run:
            return dry(ctx, f"уведомить: {len(people)}", f"notify: {len(people)}")
        text = params.text or task.title
        mailed = 0
        for who in dict.fromkeys(people):
            await notify_operator(
                who,
                cause=ctx.idempotency_key,
                title=f"Задача «{task.title[:150]}»",
                text=text,
                link=f"#/work/tasks/{task.id}",
                organization_id=task.organization_id,
            )
            if params.email and mail_configured():
                mailed += await _mail(who, task, text, f"{ctx.idempotency_key}.{who}")
        return outcome(
            ctx,
            f"уведомлено: {len(people)}, писем: {mailed}",
            f"notified: {len(people)}, mails: {mailed}",
        )


async def _mail(who: uuid.UUID, task: TaskRow, text: str, key: str) -> int:
    row = await current().db.fetchone("SELECT email FROM operator_operator WHERE id = {}", who)
    address = str(row["email"] or "") if row else ""
    if not address:
        return 0
    sent = await send_mail(
        address, f"Задача «{task.title[:150]}»", text, message_id=f"{key}@tasks.unionline"
    )
    return int(sent)


def _all_done_rule() -> dict[str, Any]:
    return {
        "trigger": {"kind": "event", "event_type": "tasks.appeal_tasks_done"},
        "actions": [{"action": "appeal.set_status", "params": {"status": "resolved"}}],
    }


ALL_DONE_TEMPLATE = RuleTemplate(
    "tasks_resolve_appeal",
    {
        "ru": "Решить обращение, когда все его задачи выполнены",
        "en": "Resolve the appeal when all its tasks are done",
    },
    {
        "ru": "Последняя открытая задача обращения завершена или отклонена:"
        " обращение становится решённым.",
        "en": "The appeal's last open task is done or declined: the appeal is resolved.",
    },
    lambda: _all_done_rule(),
    {},
)
CreateTask.templates = (ALL_DONE_TEMPLATE,)

ACTIONS: tuple[RobotAction[Any], ...] = (
    CreateTask(),
    SetStatus(),
    SetResponsible(),
    SetDeadline(),
    AddComment(),
    Notify(),
)
