"""What operators (and robots) do to an appeal: reply, note, status, assignment, priority,
tags and field edits. Each change is a timeline entry and an event, in one transaction.

Closed appeals are read-only except for notes and links (see :func:`writable`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from unionline.access import Actor
from unionline.appeals import clock, fields, guard, lifecycle, ports, store
from unionline.appeals import timeline as history
from unionline.appeals.events import (
    AppealUpdated,
    Assigned,
    MessageOut,
    NoteAdded,
    PriorityChanged,
    TagsChanged,
    preview,
)
from unionline.appeals.schemas import AppealUpdate, AppealView, TimelineEntryView
from unionline.appeals.statuses import STATUSES
from unionline.appeals.store import AppealRow
from unionline.errors import Conflict, Forbidden, Invalid
from unionline.runtime import current, publish
from unionline.spi import OutboundDraft

_ANY = object()  # assignment precondition: whoever holds the appeal now


def author(actor: Actor | None) -> uuid.UUID | None:
    return actor.operator_id if actor else None


def writable(row: AppealRow) -> None:
    if row.merged_into_id is not None:
        raise Conflict(
            "the appeal was merged into another one",
            field="id",
            extra={"merged_into_id": str(row.merged_into_id)},
        )
    if row.status == "closed":
        raise Conflict("the appeal is closed", field="status", extra={"status": "closed"})


async def _locked(actor: Actor | None, permission: str, appeal_id: uuid.UUID) -> AppealRow:
    row = await store.load(appeal_id, lock=True)
    await guard.authorize(actor, permission, row)
    return row


async def _touch(row: AppealRow, **changes: Any) -> AppealRow:
    updated = await store.update(row.id, {"updated_at": clock.now(), **changes})
    assert updated is not None
    return updated


def _text(text: str) -> str:
    if not isinstance(text, str) or not fields.plain(text).strip():
        raise Invalid("text must not be empty", field="text")
    return fields.plain(text)


# -- messages and notes ---------------------------------------------------------------------


async def add_reply(
    actor: Actor | None,
    appeal_id: uuid.UUID,
    text: str,
    attachments: Sequence[Any] = (),
    *,
    acknowledgement: bool = False,
) -> TimelineEntryView:
    """Queue an outbound message to the member on the channel they last wrote from.

    ``acknowledgement`` marks a channel's automatic "we received it" message: it is sent and
    shown like any reply but is no response — the SLA's first response and the appeal's
    status stay as they were. So is any message no person wrote (``actor`` None: a robot's
    rule, a plugin's notice): the first response is an operator's, as the SLA promises.
    """
    text = _text(text)
    files = msgspec.to_builtins(list(attachments))
    async with current().db.transaction():
        row = await _locked(actor, guard.REPLY, appeal_id)
        writable(row)
        channel, account = await reply_route(row)
        draft = await current().hooks.before_message_send(
            OutboundDraft(
                appeal_id=row.id,
                channel=channel,
                text=text,
                attachments=[str(f.get("id", f)) if isinstance(f, dict) else str(f) for f in files],
                author_id=author(actor),
                automatic=actor is None,
            )
        )
        text = _text(draft.text)
        if actor is not None and account is not None:
            await _refuse_what_the_account_would(account, row.id, text, files)
        moment = clock.now()
        response = actor is not None and not acknowledgement
        if response:
            row = await _touch(row, first_responded_at=row.first_responded_at or moment)
        else:
            row = await _touch(row)
        if row.status == "new" and response:
            row, _ = await lifecycle.change(row, "open", author_id=author(actor), reason="reply")
        entry = await history.add(
            row,
            "message_out",
            author_id=author(actor),
            body=text,
            channel=channel,
            channel_account_id=account,
            delivery_status="queued",
            data={"attachments": await ports.delivery().describe_files(files)},
        )
        await publish(
            MessageOut(
                organization_id=row.organization_id,
                appeal_id=row.id,
                appeal=store.summary(row),
                entry=entry,
                preview=preview(text),
            )
        )
        await ports.delivery().queue(entry, row.organization_id)
    return entry


async def _refuse_what_the_account_would(
    account: uuid.UUID, appeal_id: uuid.UUID, text: str, files: list[Any]
) -> None:
    """A person's reply the account would refuse for what it holds (an SMS over its part
    limit) is a 422 naming the field, before anything is stored or queued; messages no
    person wrote fail visibly at the send instead, as before."""
    refused = await ports.delivery().refusal(account, appeal_id, text, files)
    if refused is None:
        return
    limits = refused.limits
    extra: dict[str, Any] = {"reason": "channel_refused", "refusal": refused.reason}
    if limits.max_text_length is not None:
        extra["max_text_length"] = limits.max_text_length
    if limits.sms_segments is not None:
        extra["sms_segments"] = limits.sms_segments
    raise Invalid(refused.reason, field=refused.field, extra=extra)


class _Route(msgspec.Struct):
    channel: str
    channel_account_id: uuid.UUID | None


async def reply_route(row: AppealRow) -> tuple[str, uuid.UUID | None]:
    """The channel and account of the member's last message, else the appeal's origin."""
    last = await current().db.fetch_one_as(
        _Route,
        "SELECT channel, channel_account_id FROM appeal_timeline WHERE appeal_id = {}"
        " AND kind = 'message_in' ORDER BY id DESC LIMIT 1",
        row.id,
    )
    if last is not None and last.channel:
        return last.channel, last.channel_account_id
    return row.channel, row.channel_account_id


async def add_note(
    actor: Actor | None, appeal_id: uuid.UUID, text: str, mentions: Iterable[uuid.UUID] = ()
) -> TimelineEntryView:
    """An internal note (never sent to the member); ``mentions`` name operators who may read
    the appeal (anyone else is refused like an unknown id, so nothing is learnt about them)."""
    text = _text(text)
    async with current().db.transaction():
        row = await _locked(actor, guard.REPLY, appeal_id)
        mentioned = await _mentionable(list(mentions), row.organization_id)
        row = await _touch(row)
        entry = await history.add(
            row,
            "note",
            author_id=author(actor),
            body=text,
            data={"mentions": [str(m) for m in mentioned]},
        )
        await publish(
            NoteAdded(
                organization_id=row.organization_id,
                appeal_id=row.id,
                appeal=store.summary(row),
                entry=entry,
                mentions=mentioned,
                preview=preview(text),
            )
        )
    return entry


async def _mentionable(ids: list[uuid.UUID], organization_id: uuid.UUID) -> list[uuid.UUID]:
    unique: list[uuid.UUID] = []
    for i, ident in enumerate(ids):
        if ident in unique:
            continue
        if not await _works_here(ident, guard.READ, organization_id):
            raise Invalid(f"operator {ident} cannot see this appeal", field=f"mentions[{i}]")
        unique.append(ident)
    return unique


async def _works_here(operator_id: uuid.UUID, permission: str, organization_id: uuid.UUID) -> bool:
    """The operator exists, is active and holds ``permission`` over the organization. One
    answer for all three, so callers refuse a stranger and an unknown id alike."""
    from unionline.operators.services import actor_for

    other = await actor_for(operator_id)
    return other is not None and await guard.allows(other, permission, organization_id)


# -- status ---------------------------------------------------------------------------------


async def set_status(actor: Actor | None, appeal_id: uuid.UUID, status: str) -> AppealView:
    """Move the appeal to ``status`` (409 with the allowed ones when it cannot go there)."""
    if status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}", field="status")
    async with current().db.transaction():
        row = await _locked(actor, guard.MANAGE, appeal_id)
        if row.status != status:
            row, _ = await lifecycle.change(row, status, author_id=author(actor))
    return store.view(row)


# -- assignment -----------------------------------------------------------------------------


async def assign(
    actor: Actor | None, appeal_id: uuid.UUID, operator_id: uuid.UUID | None
) -> AppealView:
    """Give the appeal to ``operator_id`` (None: unassign).

    With ``appeals.assign`` (supervisors) any appeal may be (re)assigned. With only
    ``appeals.manage`` an operator claims an unassigned appeal for themself, or hands on or
    releases their own; a claim of an appeal someone else holds is a 409.
    """
    async with current().db.transaction():
        row = await _locked(actor, guard.READ, appeal_id)
        writable(row)
        if operator_id is not None:
            await _check_assignee(operator_id, row)
        if actor is None or await guard.allows(actor, guard.ASSIGN, row.organization_id):
            expect: Any = _ANY
        else:
            await guard.authorize(actor, guard.MANAGE, row)
            if row.assignee_id == actor.operator_id:
                expect = actor.operator_id
            elif operator_id == actor.operator_id:
                expect = None
            else:
                raise Forbidden(
                    "only a supervisor assigns appeals to others",
                    field="operator_id",
                    extra={"permission": guard.ASSIGN},
                )
        if row.assignee_id != operator_id:
            row = await set_assignee(row, operator_id, author(actor), expect=expect)
    return store.view(row)


async def claim(actor: Actor, appeal_id: uuid.UUID) -> AppealView:
    """Take an unassigned appeal; atomic, so of two concurrent claims one gets a 409."""
    async with current().db.transaction():
        row = await _locked(actor, guard.MANAGE, appeal_id)
        writable(row)
        if row.assignee_id != actor.operator_id:
            row = await set_assignee(row, actor.operator_id, actor.operator_id, expect=None)
    return store.view(row)


async def release(actor: Actor, appeal_id: uuid.UUID) -> AppealView:
    """Give up one's own appeal (supervisors may release anyone's)."""
    async with current().db.transaction():
        row = await _locked(actor, guard.MANAGE, appeal_id)
        writable(row)
        holder = row.assignee_id
        if holder is not None:
            if holder != actor.operator_id and not await guard.allows(
                actor, guard.ASSIGN, row.organization_id
            ):
                raise Forbidden(
                    "the appeal is assigned to another operator",
                    field="id",
                    extra={"permission": guard.ASSIGN},
                )
            row = await set_assignee(row, None, actor.operator_id, expect=holder)
    return store.view(row)


async def set_assignee(
    row: AppealRow,
    operator_id: uuid.UUID | None,
    author_id: uuid.UUID | None,
    *,
    expect: Any,
    reason: str | None = None,
) -> AppealRow:
    """``UPDATE … WHERE assignee_id`` is ``expect`` (None: unassigned; ``_ANY``: anyone);
    ``reason`` (routing's ``offline``, say) is kept on the timeline entry."""
    where = ""
    args: tuple[Any, ...] = ()
    if expect is None:
        where = " AND assignee_id IS NULL"
    elif expect is not _ANY:
        where, args = " AND assignee_id = {}", (expect,)
    updated = await store.update(
        row.id, {"assignee_id": operator_id, "updated_at": clock.now()}, where=where, args=args
    )
    if updated is None:
        holder = (await store.load(row.id)).assignee_id
        raise Conflict(
            "the appeal is assigned to another operator",
            field="operator_id",
            extra={"assignee_id": str(holder) if holder else None},
        )
    old = row.assignee_id
    entry = await history.add(
        updated,
        "assigned",
        author_id=author_id,
        data={
            "old": str(old) if old else None,
            "new": str(operator_id) if operator_id else None,
            **({"reason": reason} if reason else {}),
        },
    )
    await publish(
        Assigned(
            organization_id=updated.organization_id,
            appeal_id=updated.id,
            appeal=store.summary(updated),
            entry=entry,
            old_assignee_id=old,
            assignee_id=operator_id,
        )
    )
    if operator_id is not None and updated.status == "new":
        updated, _ = await lifecycle.change(updated, "open", author_id=author_id, reason="assigned")
    return updated


async def _check_assignee(operator_id: uuid.UUID, row: AppealRow) -> None:
    # Unknown, inactive and of another organization answer alike: assigning must not tell
    # whether an id belongs to an operator somewhere else in the federation.
    if not await _works_here(operator_id, guard.REPLY, row.organization_id):
        raise Invalid(
            f"operator {operator_id} cannot work on appeals of this organization",
            field="operator_id",
        )


# -- priority, tags, fields -----------------------------------------------------------------


async def set_priority(actor: Actor | None, appeal_id: uuid.UUID, priority: str) -> AppealView:
    priority = fields.priority(priority)
    async with current().db.transaction():
        row = await _locked(actor, guard.MANAGE, appeal_id)
        row = await _priority(row, priority, author(actor))
    return store.view(row)


async def _priority(row: AppealRow, priority: str, author_id: uuid.UUID | None) -> AppealRow:
    writable(row)
    old = row.priority
    if old == priority:
        return row
    row = await _touch(row, priority=priority)
    entry = await history.add(
        row, "priority_changed", author_id=author_id, data={"old": old, "new": priority}
    )
    await publish(
        PriorityChanged(
            organization_id=row.organization_id,
            appeal_id=row.id,
            appeal=store.summary(row),
            entry=entry,
            old=old,
            new=priority,
        )
    )
    return row


async def set_tags(actor: Actor | None, appeal_id: uuid.UUID, tags: Iterable[str]) -> AppealView:
    cleaned = fields.tags(tags)
    async with current().db.transaction():
        row = await _locked(actor, guard.MANAGE, appeal_id)
        row = await _tags(row, cleaned, author(actor))
    return store.view(row)


async def change_tags(
    actor: Actor | None, appeal_id: uuid.UUID, add: Iterable[str], remove: Iterable[str]
) -> AppealView:
    """Add and remove tags against the appeal's tags as they are inside the transaction (two
    operators tagging at once both keep their tags, unlike a read-then-``set_tags``)."""
    added, removed = fields.tags(add), set(fields.tags(remove))
    async with current().db.transaction():
        row = await _locked(actor, guard.MANAGE, appeal_id)
        kept = [t for t in row.tags if t not in removed]
        wanted = fields.tags([*kept, *(t for t in added if t not in removed)])
        row = await _tags(row, wanted, author(actor))
    return store.view(row)


async def _tags(row: AppealRow, tags: list[str], author_id: uuid.UUID | None) -> AppealRow:
    writable(row)
    old = list(row.tags)
    if old == tags:
        return row
    row = await _touch(row, tags=tags)
    await fields.write_tags(row.id, tags)
    entry = await history.add(
        row,
        "tags_changed",
        author_id=author_id,
        data={
            "old": old,
            "new": tags,
            "added": [t for t in tags if t not in old],
            "removed": [t for t in old if t not in tags],
        },
    )
    await publish(
        TagsChanged(
            organization_id=row.organization_id,
            appeal_id=row.id,
            appeal=store.summary(row),
            entry=entry,
            old=old,
            new=tags,
        )
    )
    return row


async def update_appeal(
    actor: Actor | None, appeal_id: uuid.UUID, data: AppealUpdate
) -> AppealView:
    """Change the subject, priority, tags and custom fields given (PATCH semantics)."""
    subject = fields.subject(data.subject) if data.subject is not None else None
    custom = fields.custom(data.custom) if data.custom is not None else None
    tags = fields.tags(data.tags) if data.tags is not None else None
    async with current().db.transaction():
        row = await _locked(actor, guard.MANAGE, appeal_id)
        writable(row)
        changed = {
            k: v
            for k, v in (("subject", subject), ("custom", custom))
            if v is not None and v != getattr(row, k)
        }
        if changed:
            row = await _touch(row, **changed)
            await publish(
                AppealUpdated(
                    organization_id=row.organization_id,
                    appeal_id=row.id,
                    appeal=store.summary(row),
                    changed=sorted(changed),
                )
            )
        if data.priority is not None:
            row = await _priority(row, fields.priority(data.priority), author(actor))
        if tags is not None:
            row = await _tags(row, tags, author(actor))
    return store.view(row)
