"""BigBlueButton through its API: ``create``, ``join``, ``getMeetingInfo``, ``end``.

Every call is ``<bbb_url>/api/<call>?<query>&checksum=<sha>`` where the checksum is the hex
SHA-1 or SHA-256 (the server's ``supportedChecksumAlgorithms``) of call name + query string +
shared secret. A meeting is created when it is scheduled, kept by BBB until its end (it drops a
room nobody joined after ``meetingExpireIfNoUserJoinedInMinutes``); ``create`` is idempotent
for the same ``meetingID``. Staff join as ``MODERATOR``, members as ``VIEWER``; ``userID``
comes back in ``getMeetingInfo``'s attendees, which is how a member's absence is known.
"""

from __future__ import annotations

import hashlib
import secrets
import xml.etree.ElementTree as ET
from math import ceil
from urllib.parse import urlencode

import httpx

from unionline import ConfigError, NotReady, now, read_settings
from unionline.plugins.meetings.providers import Joiner, MeetingSpec, Room, RoomInfo, room_name
from unionline.plugins.meetings.settings import MeetingsSettings


def checksum(call: str, query: str, secret: str, algorithm: str) -> str:
    return hashlib.new(algorithm, (call + query + secret).encode()).hexdigest()


def api_url(settings: MeetingsSettings, call: str, params: dict[str, str]) -> str:
    if not settings.bbb_url or not settings.bbb_secret:
        raise ConfigError("meetings: BigBlueButton needs bbb_url and bbb_secret")
    base = settings.bbb_url.rstrip("/")
    if not base.endswith("/api"):
        base += "/api"
    query = urlencode(params)
    sign = checksum(call, query, settings.bbb_secret, settings.bbb_checksum)
    return f"{base}/{call}?{query}{'&' if query else ''}checksum={sign}"


async def call(settings: MeetingsSettings, name: str, params: dict[str, str]) -> ET.Element:
    try:
        async with httpx.AsyncClient(timeout=15) as client:
            response = await client.get(api_url(settings, name, params))
    except httpx.HTTPError as exc:
        raise NotReady(f"BigBlueButton is unreachable: {exc}", retry_after=30) from exc
    if response.status_code >= 500:
        raise NotReady(f"BigBlueButton answered {response.status_code}", retry_after=30)
    try:
        root = ET.fromstring(response.content)
    except ET.ParseError as exc:
        raise NotReady("BigBlueButton answered something that is not XML") from exc
    return root


def text(root: ET.Element, tag: str) -> str:
    found = root.find(tag)
    return (found.text or "") if found is not None else ""


class BigBlueButton:
    name = "bbb"
    title_ru = "BigBlueButton"
    title_en = "BigBlueButton"

    async def create(self, meeting: MeetingSpec) -> Room:
        room = Room(
            room=room_name(),
            data={
                "moderator_pw": secrets.token_urlsafe(12),
                "attendee_pw": secrets.token_urlsafe(12),
            },
        )
        await self.ensure(room, meeting)
        return room

    async def ensure(self, room: Room, meeting: MeetingSpec) -> None:
        settings = await read_settings(MeetingsSettings)
        wait = ceil((meeting.ends_at - now()).total_seconds() / 60) + settings.link_grace_minutes
        params = {
            "name": meeting.title,
            "meetingID": room.room,
            "attendeePW": room.data["attendee_pw"],
            "moderatorPW": room.data["moderator_pw"],
            "record": "false",
            "meetingExpireIfNoUserJoinedInMinutes": str(max(5, wait)),
        }
        root = await call(settings, "create", params)
        if text(root, "returncode") != "SUCCESS":
            raise NotReady(f"BigBlueButton refused create: {text(root, 'messageKey')}")

    async def join_url(self, room: Room, meeting: MeetingSpec, joiner: Joiner) -> str:
        settings = await read_settings(MeetingsSettings)
        role = "MODERATOR" if joiner.moderator else "VIEWER"
        password = room.data["moderator_pw" if joiner.moderator else "attendee_pw"]
        params = {
            "fullName": joiner.name or "Участник",
            "meetingID": room.room,
            "role": role,
            "password": password,  # servers before 2.4 read the role from the password
            "userID": joiner.user_id,
            "redirect": "true",
        }
        return api_url(settings, "join", params)

    async def info(self, room: Room) -> RoomInfo | None:
        settings = await read_settings(MeetingsSettings)
        root = await call(settings, "getMeetingInfo", {"meetingID": room.room})
        if text(root, "returncode") != "SUCCESS":
            return RoomInfo(running=False)
        ids = [text(a, "userID") for a in root.iterfind("attendees/attendee")]
        return RoomInfo(running=text(root, "running") == "true", user_ids=ids)

    async def end(self, room: Room) -> None:
        settings = await read_settings(MeetingsSettings)
        await call(settings, "end", {"meetingID": room.room, "password": room.data["moderator_pw"]})
