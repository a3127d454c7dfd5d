"""Each participant's own join link: a moderator's for staff, a guest's for members, valid
until the meeting's end plus ``link_grace_minutes``."""

from __future__ import annotations

from datetime import datetime, timedelta

from unionline import ConfigError, NotReady, current, read_settings
from unionline.plugins.meetings import store
from unionline.plugins.meetings.providers import (
    Joiner,
    MeetingSpec,
    PlatformUnavailable,
    Room,
    provider,
)
from unionline.plugins.meetings.settings import MeetingsSettings
from unionline.plugins.meetings.store import MeetingRow, ParticipantRow


def spec(row: MeetingRow) -> MeetingSpec:
    return MeetingSpec(
        id=row.id,
        title=row.title,
        organization_id=row.organization_id,
        organizer_id=row.organizer_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
    )


async def expires(row: MeetingRow) -> datetime:
    settings = await read_settings(MeetingsSettings)
    return row.ends_at + timedelta(minutes=settings.link_grace_minutes)


async def join_url(row: MeetingRow, person: ParticipantRow) -> str:
    joiner = Joiner(
        user_id=str(person.id),
        name=person.name,
        email=person.email,
        moderator=person.role == "moderator",
        expires_at=await expires(row),
    )
    room = Room(room=row.room, data=row.room_data)
    platform = provider(row.provider)
    try:
        return await platform.join_url(room, spec(row), joiner)
    except (ConfigError, NotReady) as exc:
        raise PlatformUnavailable(
            f"{platform.title_en}: {exc}", field="provider", extra={"provider": platform.name}
        ) from exc


async def member_url(row: MeetingRow, person: ParticipantRow) -> str:
    """What a member reads: ``<public_url>/meet/<key>`` when short links are on (always for an
    SMS appeal) and the server's public address is set; else the platform's own link."""
    public = current().settings.server.public_url.rstrip("/")
    if public and person.link_key:
        settings = await read_settings(MeetingsSettings)
        sms = person.appeal_id is not None and await store.appeal_channel(person.appeal_id) == "sms"
        if settings.short_links or sms:
            return f"{public}/meet/{person.link_key}"
    return await join_url(row, person)
