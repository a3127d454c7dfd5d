"""What the core actions share: the rule's scope, idempotency marks, localized summaries.

Every core action acts only within the subtree of the rule's organization, changes nothing on a
dry run, and is idempotent per ``ctx.idempotency_key``: what it writes to an appeal's timeline
carries the key in ``data.robot.key``, and a second run that finds the mark does nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec

from unionline.appeals.store import AppealRow
from unionline.errors import PermanentFailure, ServiceError
from unionline.robots.sdk import ActionOutcome, RobotContext
from unionline.rows import db_value
from unionline.runtime import current


def say(ctx: RobotContext, ru: str, en: str) -> str:
    """The summary line in the context's locale (Russian first)."""
    return en if ctx.locale == "en" else ru


def outcome(ctx: RobotContext, ru: str, en: str, **data: Any) -> ActionOutcome:
    return ActionOutcome(summary=say(ctx, ru, en), data=data)


def dry(ctx: RobotContext, ru: str, en: str, **data: Any) -> ActionOutcome:
    """What the action would do (``ctx.dry_run``)."""
    return ActionOutcome(
        summary=say(ctx, f"(проверка) {ru}", f"(dry run) {en}"), data={"dry_run": True, **data}
    )


async def subtree(ctx: RobotContext) -> frozenset[uuid.UUID]:
    from unionline.organizations.services import subtree_ids

    return await subtree_ids([ctx.organization_id])


def need_appeal(ctx: RobotContext) -> uuid.UUID:
    if ctx.appeal_id is None:
        raise PermanentFailure(
            say(ctx, "у срабатывания правила нет обращения", "the trigger concerns no appeal")
        )
    return ctx.appeal_id


def event_id(ctx: RobotContext, field: str) -> uuid.UUID | None:
    """The id the trigger's event carries in ``field`` (``document_id``, ``task_id`` …), None
    when it carries none. A value that is not a UUID — another plugin's event with a field of
    that name, an outside system's id — fails the step for good, naming the field, instead of
    raising ``ValueError`` into the job (which would retry it for nothing)."""
    raw = ctx.event.get(field)
    if raw is None or raw == "":
        return None
    try:
        return msgspec.convert(raw, uuid.UUID)
    except msgspec.ValidationError:
        shown = repr(raw)[:60]
        raise PermanentFailure(
            say(
                ctx,
                f"поле {field} события не является идентификатором: {shown}",
                f"the event's {field} is not an id: {shown}",
            )
        ) from None


async def appeal_row(ctx: RobotContext, *, lock: bool = False) -> AppealRow:
    """The trigger's appeal (an :class:`~unionline.appeals.store.AppealRow`), which must belong
    to the rule's organization subtree."""
    from unionline.appeals import store

    appeal_id = need_appeal(ctx)
    try:
        row = await store.load(appeal_id, lock=lock)
    except ServiceError as exc:
        raise PermanentFailure(exc.message) from exc
    if row.organization_id not in await subtree(ctx):
        raise PermanentFailure(
            say(
                ctx,
                f"обращение {row.number} принадлежит организации вне организации правила",
                f"appeal {row.number} belongs to an organization outside the rule's",
            )
        )
    return row


@asynccontextmanager
async def refused() -> AsyncIterator[None]:
    """A service error (409 transition, 422 value) cannot be fixed by retrying."""
    try:
        yield
    except ServiceError as exc:
        raise PermanentFailure(exc.message) from exc


def mark(ctx: RobotContext) -> dict[str, Any]:
    """The ``robot`` entry written into a timeline entry's data."""
    return {
        "rule_id": str(ctx.rule_id),
        "execution_id": str(ctx.execution_id),
        "key": ctx.idempotency_key,
    }


def _key_sql() -> str:
    if current().db.is_postgres:
        return "(data::jsonb -> 'robot' ->> 'key')"
    return "json_extract(data, '$.robot.key')"


async def marked_entry(appeal_id: uuid.UUID, key: str) -> dict[str, Any] | None:
    """The timeline entry an earlier run of this step wrote, if any."""
    return await current().db.fetchone(
        "SELECT id, kind FROM appeal_timeline WHERE appeal_id = {} AND kind IN"
        f" ('note', 'message_out') AND {_key_sql()} = {{}}",
        appeal_id,
        key,
    )


async def stamp(entry_id: int, data: dict[str, Any], ctx: RobotContext) -> None:
    """Record the step's mark on the entry it wrote (in the same transaction)."""
    await current().db.execute(
        "UPDATE appeal_timeline SET data = {} WHERE id = {}",
        db_value({**data, "robot": mark(ctx)}),
        entry_id,
    )
