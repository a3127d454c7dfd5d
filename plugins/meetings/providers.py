"""The video platforms a meeting is held on, behind one registry a third party can extend.

A provider creates a room for a meeting, makes each participant's join link (a moderator's or
a guest's, valid until the meeting is over), may report who is in the room and may end it.
Built in: ``jitsi`` (Jitsi Meet with JWT), ``bbb`` (BigBlueButton) and ``link`` (a fixed room of
any service). Another package adds one with the entry-point group ``unionline.meetings``::

    [project.entry-points."unionline.meetings"]
    whereby = "my_package.whereby:WherebyProvider"

(the object: a provider instance or a class made with no arguments), or in process with
:func:`register_provider`. It reads its own settings however it likes (its own plugin's
``register.settings`` form and ``unionline.read_settings``). See docs/meetings.md.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from importlib.metadata import entry_points
from typing import Any, Protocol

import msgspec

from unionline import ConfigError, Invalid, NotReady, ServiceError

ENTRY_POINTS = "unionline.meetings"


class MeetingSpec(msgspec.Struct, frozen=True, kw_only=True):
    """What a provider is told about the meeting it makes a room for."""

    id: uuid.UUID
    title: str
    organization_id: uuid.UUID
    organizer_id: uuid.UUID | None
    starts_at: datetime
    ends_at: datetime


class Room(msgspec.Struct, frozen=True, kw_only=True):
    """The provider's room: its name or meeting id and anything else it keeps (strings)."""

    room: str
    data: dict[str, str] = msgspec.field(default_factory=dict)


class Joiner(msgspec.Struct, frozen=True, kw_only=True):
    """Who a join link is for: ``user_id`` is what the provider reports back when they join."""

    user_id: str
    name: str
    email: str = ""
    avatar: str = ""
    moderator: bool = False
    expires_at: datetime  # the link stops working then (where the platform allows)


class RoomInfo(msgspec.Struct, frozen=True, kw_only=True):
    """What the platform reports about a room now."""

    running: bool
    user_ids: list[str] = msgspec.field(default_factory=list)  # who is in it (``Joiner.user_id``)


class MeetingProvider(Protocol):
    name: str  # "jitsi"; the ``provider`` setting names it
    title_ru: str
    title_en: str

    async def create(self, meeting: MeetingSpec) -> Room:
        """Make (or reserve) the room; raise ``unionline.NotReady`` when the platform is down."""
        ...

    async def join_url(self, room: Room, meeting: MeetingSpec, joiner: Joiner) -> str:
        """The address ``joiner`` opens to enter, with their rights."""
        ...

    async def info(self, room: Room) -> RoomInfo | None:
        """Who is in the room, or None when the platform does not tell."""
        ...

    async def end(self, room: Room) -> None:
        """End the meeting for everyone (nothing where the platform cannot)."""
        ...


class PlatformUnavailable(ServiceError):
    """The video platform cannot make a room now (down, or its settings are incomplete)."""

    status_code = 503
    code = "platform_unavailable"


async def make_room(platform: MeetingProvider, meeting: MeetingSpec) -> Room:
    """``platform.create``, its failures answered as a 503 naming the platform."""
    try:
        return await platform.create(meeting)
    except (NotReady, ConfigError) as exc:
        raise PlatformUnavailable(
            f"{platform.title_en}: {exc}", field="provider", extra={"provider": platform.name}
        ) from exc


_EXTRA: dict[str, MeetingProvider] = {}


def register_provider(provider: MeetingProvider) -> None:
    """Add a provider in this process (tests, a plugin's ``runtime_started``); it replaces one
    of the same name."""
    _EXTRA[provider.name] = provider


def _builtins() -> dict[str, MeetingProvider]:
    from unionline.plugins.meetings.bbb import BigBlueButton
    from unionline.plugins.meetings.jitsi import JitsiMeet

    return {p.name: p for p in (JitsiMeet(), BigBlueButton(), FixedLink())}


def _installed() -> dict[str, MeetingProvider]:
    found: dict[str, MeetingProvider] = {}
    for point in entry_points(group=ENTRY_POINTS):
        try:
            loaded: Any = point.load()
        except Exception as exc:  # a broken package must name itself, not break the others
            raise ConfigError(f"meeting provider {point.name!r} ({point.value}): {exc}") from exc
        provider = loaded() if isinstance(loaded, type) else loaded
        found[provider.name] = provider
    return found


def providers() -> dict[str, MeetingProvider]:
    """Every provider by name: built in, installed, added in process (later ones win)."""
    return {**_builtins(), **_installed(), **_EXTRA}


def provider(name: str) -> MeetingProvider:
    found = providers().get(name)
    if found is None:
        raise Invalid(
            f"no video platform named {name!r}",
            field="provider",
            extra={"known": sorted(providers())},
        )
    return found


def room_name() -> str:
    """A lower-case room name nobody can guess: 26 letters and digits (128 random bits)."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    value = int.from_bytes(secrets.token_bytes(16), "big")
    return "".join(alphabet[(value >> (5 * i)) & 31] for i in range(26))


class FixedLink:
    """A fixed room address per organization or operator (``link_rooms``), else ``link_url``:
    for unions on a commercial service; everyone gets the same link, with no rights of its own."""

    name = "link"
    title_ru = "Постоянная ссылка"
    title_en = "Fixed link"

    async def create(self, meeting: MeetingSpec) -> Room:
        from unionline import read_settings
        from unionline.plugins.meetings.settings import MeetingsSettings

        settings = await read_settings(MeetingsSettings)
        rooms = settings.link_rooms
        url = (
            rooms.get(str(meeting.organizer_id))
            or rooms.get(str(meeting.organization_id))
            or settings.link_url
        )
        if not url:
            raise Invalid("no room link is set for this organization", field="provider")
        return Room(room=url)

    async def join_url(self, room: Room, meeting: MeetingSpec, joiner: Joiner) -> str:
        return room.room

    async def info(self, room: Room) -> RoomInfo | None:
        return None

    async def end(self, room: Room) -> None:
        return None
