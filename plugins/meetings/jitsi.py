"""Jitsi Meet with token authentication: a room per meeting and a JWT per participant.

The address is ``<jitsi_url>/<room>?jwt=<token>``. The token carries what prosody's token
module checks: ``iss`` (the app id), ``aud``, ``sub`` (the tenant or domain), ``room``, ``exp``
and ``nbf``, and ``context.user`` (``id``, ``name``, ``email``, ``avatar``, ``moderator`` — all
strings). Signed HS256 with the app secret, or RS256 with the private key and its ``kid`` in
the header (the server fetches the public key by it). Room names are lower-case and
unguessable; a token is for one room only and stops working when the meeting's link expires.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import jwt

from unionline import ConfigError, read_settings
from unionline.plugins.meetings.providers import Joiner, MeetingSpec, Room, RoomInfo, room_name
from unionline.plugins.meetings.settings import MeetingsSettings


def claims(settings: MeetingsSettings, room: str, joiner: Joiner) -> dict[str, object]:
    domain = urlsplit(settings.jitsi_url).hostname or ""
    user = {
        "id": joiner.user_id,
        "name": joiner.name,
        "email": joiner.email,
        "avatar": joiner.avatar,
        "moderator": "true" if joiner.moderator else "false",
    }
    expires = joiner.expires_at
    issued = datetime.now(UTC)
    return {
        "iss": settings.jitsi_app_id,
        "aud": settings.jitsi_audience,
        "sub": settings.jitsi_subject or domain,
        "room": room,
        "exp": int(expires.timestamp()),
        "iat": int(issued.timestamp()),
        "nbf": int((issued - timedelta(minutes=5)).timestamp()),  # clocks drift
        "context": {"user": user},
        "moderator": joiner.moderator,  # the shape some token modules read at the top level
    }


def token(settings: MeetingsSettings, room: str, joiner: Joiner) -> str:
    payload = claims(settings, room, joiner)
    if settings.jitsi_algorithm == "RS256":
        if not settings.jitsi_private_key or not settings.jitsi_kid:
            raise ConfigError("meetings: RS256 needs jitsi_private_key and jitsi_kid")
        return jwt.encode(
            payload,
            settings.jitsi_private_key,
            algorithm="RS256",
            headers={"kid": settings.jitsi_kid},
        )
    if not settings.jitsi_app_secret or not settings.jitsi_app_id:
        raise ConfigError("meetings: Jitsi needs jitsi_app_id and jitsi_app_secret")
    return jwt.encode(payload, settings.jitsi_app_secret, algorithm="HS256")


class JitsiMeet:
    name = "jitsi"
    title_ru = "Jitsi Meet"
    title_en = "Jitsi Meet"

    async def create(self, meeting: MeetingSpec) -> Room:
        settings = await read_settings(MeetingsSettings)
        signing = settings.jitsi_private_key if settings.jitsi_algorithm == "RS256" else ""
        if not settings.jitsi_app_id or not (signing or settings.jitsi_app_secret):
            raise ConfigError("meetings: Jitsi needs jitsi_app_id and its secret or key")
        return Room(room=room_name())  # Jitsi makes the room when the first person enters

    async def join_url(self, room: Room, meeting: MeetingSpec, joiner: Joiner) -> str:
        settings = await read_settings(MeetingsSettings)
        base = settings.jitsi_url.rstrip("/")
        return f"{base}/{quote(room.room)}?jwt={token(settings, room.room, joiner)}"

    async def info(self, room: Room) -> RoomInfo | None:
        return None  # Jitsi has no API to ask who is in a room

    async def end(self, room: Room) -> None:
        return None
