"""The appeals API that channels, routing, robots and the console call.

Stable entry points (keep their signatures): :func:`create_appeal`, :func:`receive_message`,
:func:`record_sent_elsewhere`, :func:`get_appeal`, :func:`list_appeals`, :func:`timeline`,
:func:`member_timeline`, and, re-exported from :mod:`.actions` and :mod:`.relations`,
``add_reply``, ``add_note``, ``set_status``, ``assign``, ``claim``, ``release``,
``set_priority``, ``set_tags``, ``update_appeal``, ``link``, ``merge``; :mod:`.delivery` has
``update_delivery``.
``actor=None`` means the system itself (channels, robots): no permission checks.
Every write joins the caller's transaction when there is one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

import msgspec

from unionline.access import Actor, require_scope
from unionline.appeals import clock, fields, guard, lifecycle, numbering, ports, search, store
from unionline.appeals import timeline as history
from unionline.appeals.actions import (
    add_note,
    add_reply,
    assign,
    claim,
    release,
    reply_route,
    set_priority,
    set_status,
    set_tags,
    update_appeal,
)
from unionline.appeals.config import appeal_settings
from unionline.appeals.delivery import update_delivery
from unionline.appeals.events import AppealCreated, MessageIn, MessageOut, preview
from unionline.appeals.relations import add_link, link, links_of, merge
from unionline.appeals.schemas import AppealPage, AppealView, TimelineEntryView, TimelinePage
from unionline.appeals.search import AppealFilter
from unionline.appeals.sla import add_business_hours, sla_calendar
from unionline.appeals.statuses import ACTIVE, ACTIVE_SQL
from unionline.appeals.store import AppealRow
from unionline.errors import Conflict, Invalid, NotFound
from unionline.members import records as members
from unionline.organizations.tables import Organization
from unionline.rows import db_value
from unionline.runtime import current, publish

__all__ = [
    "AppealFilter",
    "add_note",
    "add_reply",
    "assign",
    "claim",
    "create_appeal",
    "get_appeal",
    "link",
    "list_appeals",
    "member_timeline",
    "merge",
    "receive_message",
    "record_sent_elsewhere",
    "release",
    "set_priority",
    "set_status",
    "set_tags",
    "timeline",
    "update_appeal",
    "update_delivery",
]
_LOCK_CLASS = 0x61707065  # "appe": pg advisory lock class for per-member inbound serialization


# -- create -------------------------------------------------------------------------------


async def create_appeal(
    actor: Actor | None,
    *,
    organization_id: uuid.UUID,
    member_id: uuid.UUID,
    subject: str,
    channel: str,
    channel_account_id: uuid.UUID | None = None,
    priority: str = "normal",
    tags: Iterable[str] = (),
    custom: dict[str, Any] | None = None,
    queue_id: uuid.UUID | None = None,
) -> AppealView:
    """Open an appeal by hand (an operator logging a call) or for a channel."""
    await guard.authorize_org(actor, guard.MANAGE, organization_id)
    async with current().db.transaction():
        member_id = await _member(actor, member_id)
        if channel_account_id is not None:
            await _channel_account(actor, channel_account_id, channel)
        if queue_id is not None and (check := ports.queues()) is not None:
            await check.check(actor, queue_id, organization_id)
        row = await insert(
            organization_id=organization_id,
            member_id=member_id,
            subject=fields.subject(subject),
            channel=channel,
            channel_account_id=channel_account_id,
            priority=fields.priority(priority),
            tags=fields.tags(tags),
            custom=fields.custom(custom),
            queue_id=queue_id,
            author_id=actor.operator_id if actor else None,
        )
    return store.view(row)


async def _member(actor: Actor | None, member_id: uuid.UUID) -> uuid.UUID:
    """The member (followed through merges), which must exist and be visible to ``actor``."""
    member_id = await members.canonical_member(member_id)
    row = await members.member_row(member_id, field="member_id")
    if actor is not None:
        await require_scope(
            actor,
            members.READ,
            row.organization_id,
            what=f"member {member_id}",
            field="member_id",
        )
    return member_id


class _Account(msgspec.Struct):
    organization_id: uuid.UUID | None
    channel: str


async def _channel_account(actor: Actor | None, account_id: uuid.UUID, channel: str) -> None:
    """The channel account replies will go out through: it must exist, be of ``channel``'s type
    and belong to an organization ``actor`` may manage appeals of (otherwise 404, as if absent)."""
    row = await current().db.fetch_one_as(
        _Account, "SELECT organization_id, channel FROM channel_account WHERE id = {}", account_id
    )
    missing = NotFound(f"channel account {account_id} does not exist", field="channel_account_id")
    if row is None:
        raise missing
    organization_id = row.organization_id
    if actor is not None and not (
        organization_id and await guard.allows(actor, guard.MANAGE, organization_id)
    ):
        raise missing
    if row.channel != channel:
        raise Invalid(
            f"channel account {account_id} is a {row.channel!r} account, not {channel!r}",
            field="channel_account_id",
        )


async def _organization_code(organization_id: uuid.UUID) -> str:
    row = (
        await Organization.select(Organization.code, Organization.archived_at)
        .where(Organization.id == organization_id)
        .first()
    )
    if row is None:
        raise NotFound(f"organization {organization_id} does not exist", field="organization_id")
    if row["archived_at"] is not None:
        raise Conflict("an archived organization takes no new appeals", field="organization_id")
    return str(row["code"])


async def insert(
    *,
    organization_id: uuid.UUID,
    member_id: uuid.UUID,
    subject: str,
    channel: str,
    channel_account_id: uuid.UUID | None,
    priority: str,
    tags: list[str],
    custom: dict[str, Any],
    queue_id: uuid.UUID | None,
    author_id: uuid.UUID | None,
    reopened_from: AppealRow | None = None,
) -> AppealRow:
    """Insert an appeal with its number, SLA due times, tags and "created" entry; publish."""
    channel = fields.plain(channel)
    if not channel or len(channel) > 50:
        raise Invalid("channel names the channel of origin (1 to 50 characters)", field="channel")
    code = await _organization_code(organization_id)
    moment = clock.now()
    number = await numbering.allocate(organization_id, code, moment)
    settings = appeal_settings()
    calendar = await sla_calendar(organization_id)
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "number": number.text,
        "organization_id": organization_id,
        "year": number.year,
        "seq": number.seq,
        "member_id": member_id,
        "subject": subject,
        "channel": channel,
        "channel_account_id": channel_account_id,
        "queue_id": queue_id,
        "priority": priority,
        "status": "new",
        "tags": tags,
        "custom": custom,
        "first_response_due": _due(calendar, moment, settings.first_response_hours),
        "resolution_due": _due(calendar, moment, settings.resolution_hours),
        "created_at": moment,
        "updated_at": moment,
    }
    row = await current().db.fetch_one_as(
        AppealRow,
        f"INSERT INTO appeal_appeal ({', '.join(values)})"
        f" VALUES ({search.placeholders(list(values))}) RETURNING *",
        *map(db_value, values.values()),
    )
    assert row is not None
    await fields.write_tags(row.id, tags)
    data = {"action": "created", "status": "new", "number": row.number, "channel": channel}
    if reopened_from is not None:
        data["reopened_from"] = reopened_from.number
    await history.add(row, "system", author_id=author_id, data=data)
    await publish(
        AppealCreated(
            organization_id=organization_id,
            appeal_id=row.id,
            appeal=store.summary(row),
            reopened_from_id=reopened_from.id if reopened_from else None,
        )
    )
    if reopened_from is not None:
        row, _ = await add_link(None, row, reopened_from, "reopened_from")
    return row


def _due(calendar: Any, moment: Any, hours: float) -> Any:
    return add_business_hours(calendar, moment, hours) if hours > 0 else None


# -- a member writes ------------------------------------------------------------------------


async def receive_message(
    *,
    organization_id: uuid.UUID,
    member_id: uuid.UUID,
    channel: str,
    channel_account_id: uuid.UUID | None,
    text: str,
    external_id: str | None = None,
    attachments: Sequence[Any] = (),
    data: dict[str, Any] | None = None,
    subject: str | None = None,
    continue_appeal: uuid.UUID | None = None,
    new_appeal: bool = False,
) -> tuple[AppealView, TimelineEntryView]:
    """Store a member's message on the right appeal (the inbound path after identity
    resolution); returns the appeal and the new ``message_in`` entry.

    Attaches to the member's active appeal (new, open, waiting) of this organization and
    channel account — a waiting one becomes open; reopens a resolved one within
    ``[appeals] reopen_window_days``; otherwise starts a new appeal, linked ``reopened_from``
    the previous one. A message already stored (same account and ``external_id``) is
    returned as it is, so provider redeliveries are harmless.

    Channels that thread conversations themselves (e-mail) choose instead:
    ``continue_appeal`` is the appeal the message answers — used only when it is this
    member's appeal in this organization (merges followed), with the same reopen rules;
    ``new_appeal`` starts a new appeal when ``continue_appeal`` is not given or not used.
    """
    text = fields.plain(text)
    external_id = fields.plain(external_id) if external_id is not None else None
    async with current().db.transaction():
        member_id = await members.canonical_member(member_id)
        await _serialize_member(member_id)
        existing = await history.find_external(channel_account_id, "message_in", external_id)
        if existing is not None:
            return store.view(await store.load(existing.appeal_id)), existing
        row, claimed = await _appeal_for_message(
            organization_id,
            member_id,
            channel,
            channel_account_id,
            subject or fields.subject_from_text(text),
            text=text,
            continue_appeal=continue_appeal,
            new_appeal=new_appeal,
        )
        moment = clock.now()
        updated = await store.update(
            row.id, {"last_member_message_at": moment, "updated_at": moment}
        )
        assert updated is not None  # no ``where``: the locked row is always updated
        row = updated
        entry = await history.add(
            row,
            "message_in",
            body=text,
            channel=channel,
            channel_account_id=channel_account_id,
            external_id=external_id,
            at=moment,
            data={
                **(data or {}),
                **claimed,
                "attachments": msgspec.to_builtins(list(attachments)),
            },
        )
        await publish(
            MessageIn(
                organization_id=row.organization_id,
                appeal_id=row.id,
                appeal=store.summary(row),
                entry=entry,
                preview=preview(text),
            )
        )
    return store.view(row), entry


async def record_sent_elsewhere(
    *,
    organization_id: uuid.UUID,
    member_id: uuid.UUID,
    channel: str,
    channel_account_id: uuid.UUID,
    text: str,
    external_id: str,
    data: dict[str, Any] | None = None,
) -> tuple[AppealView, TimelineEntryView] | None:
    """Show a message the channel account sent to the member outside Unionline (a community
    admin answering in VK's own interface) on the member's appeal there, as an outgoing
    message already ``sent``. The appeal is the member's active one on this account, else
    their latest; with none, nothing is stored (None). It is no operator's reply: status,
    assignee and SLA stay as they are. A message already stored is returned as it is.
    """
    text = fields.plain(text)
    async with current().db.transaction():
        member_id = await members.canonical_member(member_id)
        await _serialize_member(member_id)
        existing = await history.find_external(channel_account_id, "message_out", external_id)
        if existing is not None:
            return store.view(await store.load(existing.appeal_id)), existing
        row = await _latest(organization_id, member_id, channel, channel_account_id)
        if row is None:
            return None
        row = await store.update(row.id, {"updated_at": clock.now()})
        assert row is not None
        entry = await history.add(
            row,
            "message_out",
            body=text,
            channel=channel,
            channel_account_id=channel_account_id,
            external_id=external_id,
            delivery_status="sent",
            data={**(data or {}), "sent_elsewhere": True},
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
    return store.view(row), entry


async def _serialize_member(member_id: uuid.UUID) -> None:
    """One inbound message per member at a time (PostgreSQL), so two first messages cannot
    open two appeals; SQLite serializes every writer already."""
    db = current().db
    if db.is_postgres:
        key = int.from_bytes(member_id.bytes[:4], "big", signed=True)
        await db.execute("SELECT pg_advisory_xact_lock({}, {})", _LOCK_CLASS, key)


async def _appeal_for_message(
    organization_id: uuid.UUID,
    member_id: uuid.UUID,
    channel: str,
    channel_account_id: uuid.UUID | None,
    subject: str,
    *,
    text: str = "",
    continue_appeal: uuid.UUID | None = None,
    new_appeal: bool = False,
) -> tuple[AppealRow, dict[str, Any]]:
    """The appeal a member's message goes to, and the data a plugin that claimed the
    message as an awaited answer (``claim_member_reply``) adds to its entry."""
    previous = await _chosen(organization_id, member_id, continue_appeal)
    if previous is None and not new_appeal:
        previous = await _latest(organization_id, member_id, channel, channel_account_id)
    previous = await _follow_merges(previous)
    if previous is None and new_appeal:
        return await insert(
            organization_id=organization_id,
            member_id=member_id,
            subject=fields.subject(subject),
            channel=channel,
            channel_account_id=channel_account_id,
            priority="normal",
            tags=[],
            custom={},
            queue_id=None,
            author_id=None,
        ), {}
    if previous is not None and previous.status in ACTIVE:
        if previous.status == "waiting":
            previous, _ = await lifecycle.change(
                previous, "open", author_id=None, reason="member_reply"
            )
        return previous, {}
    if previous is not None and previous.status == "resolved":
        # A plugin may take the message as an answer the appeal awaits (a rating): it is
        # stored on the resolved appeal, which stays resolved.
        claimed = await current().hooks.claim_member_reply(
            appeal=store.summary(previous), text=text
        )
        if claimed is not None:
            return previous, dict(claimed)
    if previous is not None and _within_reopen_window(previous):
        previous, _ = await lifecycle.change(
            previous, "open", author_id=None, reason="member_reply"
        )
        return previous, {}
    return await insert(
        organization_id=organization_id,
        member_id=member_id,
        subject=fields.subject(subject),
        channel=channel,
        channel_account_id=channel_account_id,
        priority="normal",
        tags=[],
        custom={},
        queue_id=previous.queue_id if previous else None,
        author_id=None,
        reopened_from=previous,
    ), {}


async def _chosen(
    organization_id: uuid.UUID, member_id: uuid.UUID, appeal_id: uuid.UUID | None
) -> AppealRow | None:
    """The appeal a channel says the message answers, when it is this member's own."""
    if appeal_id is None:
        return None
    row = await _follow_merges(await store.find(appeal_id, lock=True))
    if row is None or row.organization_id != organization_id:
        return None
    if await members.canonical_member(row.member_id) != member_id:
        return None
    return row


async def _latest(
    organization_id: uuid.UUID,
    member_id: uuid.UUID,
    channel: str,
    channel_account_id: uuid.UUID | None,
) -> AppealRow | None:
    """The member's active appeal on this channel account, else their latest one there."""
    account = "channel_account_id = {}" if channel_account_id else "channel_account_id IS NULL"
    args = [organization_id, member_id, channel] + (
        [channel_account_id] if channel_account_id else []
    )
    db = current().db
    lock = " FOR UPDATE" if db.is_postgres else ""
    return await db.fetch_one_as(
        AppealRow,
        "SELECT * FROM appeal_appeal WHERE organization_id = {} AND member_id = {}"
        f" AND channel = {{}} AND {account}"
        f" ORDER BY CASE WHEN status IN {ACTIVE_SQL} THEN 0 ELSE 1 END,"
        f" created_at DESC, id DESC LIMIT 1{lock}",
        *args,
    )


async def _follow_merges(row: AppealRow | None) -> AppealRow | None:
    seen: set[uuid.UUID] = set()
    while row is not None and row.merged_into_id and row.id not in seen:
        seen.add(row.id)
        row = await store.load(row.merged_into_id, lock=True)
    return row


def _within_reopen_window(row: AppealRow) -> bool:
    if row.status != "resolved" or row.resolved_at is None:
        return False
    window = timedelta(days=appeal_settings().reopen_window_days)
    return clock.now() - row.resolved_at <= window


# -- reading ------------------------------------------------------------------------------


async def get_appeal(actor: Actor | None, appeal_id: uuid.UUID) -> AppealView:
    """One appeal with its links and where a reply goes, with that account's limits."""
    row = await store.load(appeal_id)
    await guard.authorize(actor, guard.READ, row)
    found = store.view(row, links=await links_of(row.id))
    found.reply = await ports.delivery().limits(*await reply_route(row))
    return found


get = get_appeal


async def list_appeals(
    actor: Actor | None,
    where: AppealFilter | None = None,
    *,
    cursor: str | None = None,
    limit: int = 50,
) -> AppealPage:
    """Appeals in the actor's scope matching ``where``, newest first (cursor pagination)."""
    where = where or AppealFilter()
    me = actor.operator_id if actor else uuid.UUID(int=0)
    org_ids = await guard.read_scope(actor)
    if where.organization_id is not None:
        # Looked up first rather than as a subquery: the planner needs the organizations as
        # constants (benchmarks/README.md, "Search").
        from unionline.organizations.services import subtree_ids

        wanted = await subtree_ids([where.organization_id])
        org_ids = sorted(wanted if org_ids is None else wanted & set(org_ids))
    return await search.page(where, me, org_ids, cursor=cursor, limit=_limit(limit))


def _limit(limit: int) -> int:
    if not 1 <= limit <= 200:
        raise Invalid("limit must be between 1 and 200", field="limit")
    return limit


async def timeline(
    actor: Actor | None, appeal_id: uuid.UUID, *, cursor: str | None = None, limit: int = 200
) -> TimelinePage:
    """The appeal's timeline in order (audited: it holds the member's messages)."""
    row = await store.load(appeal_id)
    await guard.authorize(actor, guard.READ, row)
    await _audit(actor, "appeal.timeline_read", "appeal", row.id, row.organization_id)
    return await history.page("appeal_id = {}", (row.id,), cursor=cursor, limit=_limit(limit))


async def member_timeline(
    actor: Actor | None, member_id: uuid.UUID, *, cursor: str | None = None, limit: int = 200
) -> TimelinePage:
    """Everything on every appeal of a member that ``actor`` may read, in order."""
    member = await members.member_row(member_id, field="member_id")
    org_ids = await guard.read_scope(actor)
    await _audit(actor, "member.timeline_read", "member", member_id, member.organization_id)
    if org_ids is not None and not org_ids:
        return TimelinePage(items=[], next_cursor=None)
    where, args = "member_id = {}", [member_id]
    if org_ids is not None:
        where += (
            " AND appeal_id IN (SELECT id FROM appeal_appeal WHERE organization_id IN"
            f" ({search.placeholders(org_ids)}))"
        )
        args += org_ids
    return await history.page(where, tuple(args), cursor=cursor, limit=_limit(limit))


async def _audit(
    actor: Actor | None, action: str, kind: str, subject_id: uuid.UUID, organization_id: uuid.UUID
) -> None:
    """Reads of message history are personal-data reads: audited when the audit log runs."""
    if actor is None or "audit" not in current().registry.tables:
        return
    from unionline.audit.services import record

    await record(actor, action, kind, subject_id, organization_id)
