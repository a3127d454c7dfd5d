"""Robot actions of meetings: ``meetings.create`` (a video meeting with the trigger's member,
now or later, held by the appeal's assignee or a named operator) and ``meetings.send_link``
(the member's link to the meeting of the trigger, again). Triggers are the plugin's events:
``meetings.scheduled``, ``meetings.started``, ``meetings.ended``, ``meetings.member_absent``.

Both are idempotent per step (``robot_key`` on the meeting, the delivery key of the link).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, ClassVar

import msgspec

from unionline import PermanentFailure, actor_for, current, now, reply_to_member
from unionline.plugins.meetings import services, store, texts
from unionline.plugins.meetings.links import member_url
from unionline.plugins.meetings.schemas import InstantMeeting, MeetingCreate
from unionline.robots.sdk import (
    ActionOutcome,
    NoParams,
    RobotAction,
    RobotContext,
    RuleTemplate,
    appeal_row,
    dry,
    event_id,
    outcome,
    refused,
)


class CreateParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Annotated[str, msgspec.Meta(max_length=300)] = ""  # empty: «Видеозвонок по обращению …»
    in_minutes: Annotated[int, msgspec.Meta(ge=0, le=60 * 24 * 60)] = 0  # 0: now (instant)
    duration_minutes: Annotated[int, msgspec.Meta(ge=5, le=24 * 60)] | None = None
    organizer_id: uuid.UUID | None = None  # None: the appeal's assignee


class CreateMeeting(RobotAction[CreateParams]):
    name = "meetings.create"
    params = CreateParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Назначить видеовстречу с членом профсоюза",
        "en": "Hold a video meeting with the member",
    }

    async def run(self, ctx: RobotContext, params: CreateParams) -> ActionOutcome:
        row = await appeal_row(ctx)
        organizer = params.organizer_id or row.assignee_id
        if ctx.dry_run:
            return dry(ctx, f"видеовстреча по {row.number}", f"video meeting on {row.number}")
        found = await current().db.fetch(
            "SELECT id FROM meetings_meeting WHERE robot_key = {}", ctx.idempotency_key
        )
        if found:
            return outcome(
                ctx,
                "видеовстреча уже назначена",
                "meeting already held",
                meeting_id=str(found[0]["id"]),
            )
        actor = await actor_for(organizer) if organizer else None
        if actor is None:
            raise PermanentFailure("a video meeting needs an organizer: the appeal has no assignee")
        async with refused():
            if params.in_minutes == 0:
                body = InstantMeeting(
                    appeal_id=row.id,
                    title=params.title or None,
                    duration_minutes=params.duration_minutes,
                )
                view = await services.instant(actor, body, robot_key=ctx.idempotency_key)
            else:
                view = await services.create(
                    actor,
                    MeetingCreate(
                        organization_id=row.organization_id,
                        title=params.title or f"Видеовстреча по обращению {row.number}",
                        starts_at=now() + timedelta(minutes=params.in_minutes),
                        duration_minutes=params.duration_minutes,
                        member_ids=[row.member_id],
                        appeal_id=row.id,
                    ),
                    robot_key=ctx.idempotency_key,
                )
        return outcome(
            ctx, f"видеовстреча «{view.title}»", f"meeting “{view.title}”", meeting_id=str(view.id)
        )


def _absent_rule() -> dict[str, object]:
    return {
        "trigger": {"kind": "event", "event_type": "meetings.member_absent"},
        "actions": [{"action": "meetings.send_link"}],
    }


ABSENT_TEMPLATE = RuleTemplate(
    "meetings_absent_link",
    {"ru": "Не пришёл на видеовстречу — ссылка ещё раз", "en": "Absent from a meeting: link again"},
    {
        "ru": "Платформа сообщила, что член профсоюза не вошёл: отправить ему ссылку ещё раз в "
        "его канале.",
        "en": "The platform reports the member did not join: send their link again on their "
        "channel.",
    },
    _absent_rule,
)


class SendLink(RobotAction[NoParams]):
    """The trigger's meeting (a meetings.* event), else the appeal's next one: its link to the
    member again, on their channel."""

    name = "meetings.send_link"
    params = NoParams
    templates = (ABSENT_TEMPLATE,)
    title: ClassVar[dict[str, str]] = {
        "ru": "Отправить ссылку на видеовстречу",
        "en": "Send the video meeting link",
    }

    async def run(self, ctx: RobotContext, params: NoParams) -> ActionOutcome:
        row = await appeal_row(ctx)
        meeting_id = event_id(ctx, "meeting_id")
        meeting = await store.meeting(meeting_id) if meeting_id else None
        if meeting is None:
            rows = await current().db.fetch_as(
                store.MeetingRow,
                "SELECT * FROM meetings_meeting WHERE appeal_id = {} AND status IN"
                " ('scheduled', 'started') ORDER BY starts_at LIMIT 1",
                row.id,
            )
            meeting = rows[0] if rows else None
        if meeting is None or meeting.status in ("cancelled", "ended"):
            return outcome(ctx, "нет предстоящей видеовстречи", "no upcoming meeting")
        if ctx.dry_run:
            return dry(ctx, f"ссылка на «{meeting.title}»", f"link to “{meeting.title}”")
        persons = await store.participants([meeting.id])
        person = next((p for p in persons if p.member_id == row.member_id), None)
        if person is None or person.appeal_id is None:
            return outcome(
                ctx, "член профсоюза не участвует во встрече", "the member is not invited"
            )
        key = f"{meeting.id}:{person.id}:robot:{ctx.idempotency_key}"
        async with current().db.transaction(), refused():
            if not await store.claim_delivery(key, meeting.id, person.id, "link"):
                return outcome(ctx, "ссылка уже отправлена", "link already sent")
            url = await member_url(meeting, person)
            text = texts.invitation(
                meeting.title, meeting.starts_at, person.timezone, url, meeting.instant
            )
            entry = await reply_to_member(None, person.appeal_id, text)
            await store.set_delivery_entry(key, entry.id)
        return outcome(
            ctx, f"ссылка на «{meeting.title}»", f"link to “{meeting.title}”", entry_id=entry.id
        )


ACTIONS = (CreateMeeting(), SendLink())
