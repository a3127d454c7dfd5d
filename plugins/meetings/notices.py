"""What participants are told: a member's link on their own channel (a reply on their appeal,
through the console's reply path, so Telegram, VK, e-mail and SMS all carry it), iCalendar
invitations and cancellations by e-mail, staff notices, and reminders before the start.

Each delivery has a key (meeting × participant × what × SEQUENCE or start) claimed in
``meetings_delivery`` in the transaction that sends it: a retried job sends nothing twice.
"""

from __future__ import annotations

import uuid
from typing import Literal

import msgspec

from unionline import (
    Actor,
    JobContext,
    MailAttachment,
    current,
    enqueue,
    mail_configured,
    notify_operator,
    reply_to_member,
    send_mail,
)
from unionline.plugins.meetings import ical, store, texts
from unionline.plugins.meetings.links import join_url, member_url
from unionline.plugins.meetings.store import MeetingRow, ParticipantRow

MAIL = "meetings.mail"
REMIND = "meetings.remind"
What = Literal["link", "changed", "cancelled"]


class MailPayload(msgspec.Struct, frozen=True):
    participant_id: uuid.UUID
    sequence: int
    method: Literal["REQUEST", "CANCEL"]


class RemindPayload(msgspec.Struct, frozen=True):
    participant_id: uuid.UUID
    starts_at: str


async def tell_member(
    actor: Actor | None, row: MeetingRow, person: ParticipantRow, what: What
) -> int | None:
    """Send a member the news on their appeal's channel, once per key (in the caller's
    transaction); the timeline entry's id, None when there is nowhere to send or it was sent."""
    if person.appeal_id is None:
        return None
    key = f"{row.id}:{person.id}:{what}:{row.sequence}"
    if not await store.claim_delivery(key, row.id, person.id, what):
        return None
    zone = person.timezone
    if what == "cancelled":
        text = texts.cancelled(row.title, row.starts_at, zone)
    elif what == "changed":
        text = texts.changed(row.title, row.starts_at, zone, await member_url(row, person))
    else:
        url = await member_url(row, person)
        text = texts.invitation(row.title, row.starts_at, zone, url, row.instant)
    entry = await reply_to_member(actor, person.appeal_id, text)
    await store.set_delivery_entry(key, entry.id)
    return int(entry.id)


async def announce(
    actor: Actor | None, row: MeetingRow, people: list[ParticipantRow], what: What
) -> None:
    """In the caller's transaction: members' messages now; e-mail invitations and staff notices
    queued (keyed, so once)."""
    method: Literal["REQUEST", "CANCEL"] = "CANCEL" if what == "cancelled" else "REQUEST"
    for person in people:
        if person.member_id is not None:
            await tell_member(actor, row, person, what)
        elif person.operator_id is not None and person.operator_id != row.organizer_id:
            await notify_operator(
                person.operator_id,
                cause=f"meetings:{row.id}:{what}:{row.sequence}",
                title=f"{_verb(what)}: «{row.title}»",
                text=texts.local_time(row.starts_at, person.timezone),
                link=f"#/work/meetings/{row.id}",
                organization_id=row.organization_id,
            )
        if person.email and not row.instant:  # an instant call's link is on the channel
            payload = MailPayload(person.id, row.sequence, method)
            await enqueue(MAIL, payload, key=f"{MAIL}:{person.id}:{row.sequence}:{method}")


def _verb(what: What) -> str:
    return {"link": "Приглашение на встречу", "changed": "Встреча изменена"}.get(
        what, "Встреча отменена"
    )


async def _load(
    participant_id: uuid.UUID,
) -> tuple[MeetingRow, ParticipantRow, list[ParticipantRow]] | None:
    rows = await current().db.fetch_as(
        ParticipantRow, "SELECT * FROM meetings_participant WHERE id = {}", participant_id
    )
    if not rows:
        return None
    row = await store.meeting(rows[0].meeting_id)
    if row is None:
        return None
    return row, rows[0], await store.participants([row.id])


async def mail_job(ctx: JobContext | None, payload: MailPayload) -> None:
    """E-mail one participant the iCalendar invitation (REQUEST) or cancellation (CANCEL) of
    the meeting as of ``payload.sequence``; a later change's mail supersedes it."""
    found = await _load(payload.participant_id)
    if found is None or not mail_configured():
        return
    row, person, people = found
    if row.sequence != payload.sequence:
        return  # a newer invitation or cancellation went out instead
    url = "" if payload.method == "CANCEL" else await join_url(row, person)
    body = ical.invitation(row, people, payload.method, recipient=person, url=url)
    subject = ("Отменена: " if payload.method == "CANCEL" else "Приглашение: ") + row.title
    lines = [row.title, texts.local_time(row.starts_at, person.timezone or "Europe/Moscow")]
    if url:
        lines.append(f"Ссылка для входа: {url}")
    await send_mail(
        person.email,
        subject,
        "\n".join(lines),
        attachments=[
            MailAttachment(
                filename="invite.ics",
                content_type="text/calendar",
                data=body,
            )
        ],
        message_id=f"meetings-{row.id}-{person.id}-{row.sequence}@unionline",
    )


async def remind_job(ctx: JobContext | None, payload: RemindPayload) -> None:
    """Remind one participant before the start, once per start time."""
    found = await _load(payload.participant_id)
    if found is None:
        return
    row, person, _ = found
    if row.status != "scheduled" or row.starts_at.isoformat() != payload.starts_at:
        return  # cancelled or moved: the new start has reminders of its own
    key = f"{row.id}:{person.id}:reminder:{payload.starts_at}"
    async with current().db.transaction():
        if not await store.claim_delivery(key, row.id, person.id, "reminder"):
            return
        url = await (member_url if person.member_id else join_url)(row, person)
        text = texts.reminder(row.title, row.starts_at, person.timezone, url)
        if person.member_id is not None and person.appeal_id is not None:
            entry = await reply_to_member(None, person.appeal_id, text)
            await store.set_delivery_entry(key, entry.id)
        elif person.operator_id is not None:
            await notify_operator(
                person.operator_id,
                cause=f"meetings:{row.id}:reminder:{payload.starts_at}",
                title=f"Скоро встреча: «{row.title}»",
                text=texts.local_time(row.starts_at, person.timezone),
                link=f"#/work/meetings/{row.id}",
                organization_id=row.organization_id,
            )
