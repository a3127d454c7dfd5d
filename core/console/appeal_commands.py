"""Console commands on appeals: thin adapters onto the appeals services (same checks as REST)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from unionline.appeals import actions, services
from unionline.channel.typing_notice import show_typing
from unionline.console.commands import command
from unionline.routing import services as routing
from unionline.text import Text as NoNulText

if TYPE_CHECKING:
    from unionline.console.session import ConsoleSession

Text = Annotated[NoNulText, msgspec.Meta(min_length=1, max_length=20000)]


class AppealRef(msgspec.Struct, forbid_unknown_fields=True):
    appeal_id: uuid.UUID


class ReplyArgs(msgspec.Struct, forbid_unknown_fields=True):
    appeal_id: uuid.UUID
    text: Text
    attachments: list[NoNulText] = msgspec.field(default_factory=list)


class NoteArgs(msgspec.Struct, forbid_unknown_fields=True):
    appeal_id: uuid.UUID
    text: Text
    mentions: list[uuid.UUID] = msgspec.field(default_factory=list)


class TransferArgs(msgspec.Struct, forbid_unknown_fields=True):
    appeal_id: uuid.UUID
    operator_id: uuid.UUID | None = None
    queue_id: uuid.UUID | None = None


class StatusArgs(msgspec.Struct, forbid_unknown_fields=True):
    appeal_id: uuid.UUID
    status: NoNulText


class PriorityArgs(msgspec.Struct, forbid_unknown_fields=True):
    appeal_id: uuid.UUID
    priority: NoNulText


class TagsArgs(msgspec.Struct, forbid_unknown_fields=True):
    appeal_id: uuid.UUID
    tags: list[NoNulText]


class TypingArgs(msgspec.Struct, forbid_unknown_fields=True):
    appeal_id: uuid.UUID
    typing: bool = True


class ViewingArgs(msgspec.Struct, forbid_unknown_fields=True):
    appeal_id: uuid.UUID
    viewing: bool = True


def _out(value: Any) -> Any:
    return msgspec.to_builtins(value)


@command("claim", AppealRef)
async def claim(session: ConsoleSession, args: AppealRef) -> Any:
    """Take an unassigned appeal within one's capacity (the same check as the REST claim)."""
    return _out(await routing.claim(session.actor, args.appeal_id))


@command("release", AppealRef)
async def release(session: ConsoleSession, args: AppealRef) -> Any:
    return _out(await actions.release(session.actor, args.appeal_id))


@command("reply", ReplyArgs)
async def reply(session: ConsoleSession, args: ReplyArgs) -> Any:
    return _out(await actions.add_reply(session.actor, args.appeal_id, args.text, args.attachments))


@command("note", NoteArgs)
async def note(session: ConsoleSession, args: NoteArgs) -> Any:
    return _out(await actions.add_note(session.actor, args.appeal_id, args.text, args.mentions))


@command("transfer", TransferArgs)
async def transfer(session: ConsoleSession, args: TransferArgs) -> Any:
    """Hand the appeal to another operator, or back to a queue (unassigned there)."""
    from unionline.errors import Invalid

    if (args.operator_id is None) == (args.queue_id is None):
        raise Invalid("give exactly one of operator_id and queue_id", field="operator_id")
    if args.operator_id is not None:
        return _out(await actions.assign(session.actor, args.appeal_id, args.operator_id))
    return _out(await _to_queue(session, args.appeal_id, args.queue_id))


async def _to_queue(session: ConsoleSession, appeal_id: uuid.UUID, queue_id: Any) -> Any:
    return await routing.transfer_to_queue(session.actor, appeal_id, queue_id)


@command("set_status", StatusArgs)
async def set_status(session: ConsoleSession, args: StatusArgs) -> Any:
    return _out(await actions.set_status(session.actor, args.appeal_id, args.status))


@command("set_priority", PriorityArgs)
async def set_priority(session: ConsoleSession, args: PriorityArgs) -> Any:
    return _out(await actions.set_priority(session.actor, args.appeal_id, args.priority))


@command("set_tags", TagsArgs)
async def set_tags(session: ConsoleSession, args: TagsArgs) -> Any:
    return _out(await actions.set_tags(session.actor, args.appeal_id, args.tags))


@command("typing", TypingArgs)
async def typing(session: ConsoleSession, args: TypingArgs) -> Any:
    """Tell the other consoles (and the member's widget) that this operator is typing; while
    ``typing`` is on, the member's messenger shows "typing…" too (throttled, in the background:
    the command never waits for the provider)."""
    appeal = await services.get_appeal(session.actor, args.appeal_id)
    session.signal("typing", appeal.organization_id, _who(session, args.appeal_id, args.typing))
    if args.typing:
        show_typing(appeal.id)
    return None


@command("viewing", ViewingArgs)
async def viewing(session: ConsoleSession, args: ViewingArgs) -> Any:
    """Tell the other consoles who has this appeal open (repeat every ~20 s while open)."""
    appeal = await services.get_appeal(session.actor, args.appeal_id)
    session.signal("viewing", appeal.organization_id, _who(session, args.appeal_id, args.viewing))
    return None


def _who(session: ConsoleSession, appeal_id: uuid.UUID, on: bool) -> dict[str, Any]:
    return {
        "appeal_id": str(appeal_id),
        "operator_id": str(session.actor.operator_id),
        "name": session.actor.name,
        "on": on,
    }
