"""What a member's message carries beyond text and files, as its ``message_in`` timeline entry
keeps it: one typed shape (:class:`StoredContent`) merged into the entry's ``data``, the same
for every channel (docs/writing-channels.md, «Содержимое сообщения»).

Keys, each present only when it has something: ``forward_origin`` (an :class:`Origin`),
``forwarded`` (a list of :class:`Quoted`), ``reply_to`` (a :class:`Quoted`), ``location`` (a
:class:`Location`), ``warnings`` (strings), ``part_of`` (an album's group id), ``edited``,
``edited_at`` and ``revisions`` (earlier texts, oldest first, each a :class:`Revision`).
"""

from __future__ import annotations

import time
from typing import Any

import msgspec

from unionline.channel.types import InboundMessage, Location, Origin, Quoted


class Revision(msgspec.Struct, frozen=True, kw_only=True):
    """An earlier text of an edited message, with when it was written (unix time)."""

    text: str
    at: float


class StoredContent(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The part of a ``message_in`` entry's ``data`` the channel SDK writes from an
    :class:`~unionline.channel.types.InboundMessage` (and from its later edits and parts)."""

    forward_origin: Origin | None = None
    forwarded: tuple[Quoted, ...] = ()
    reply_to: Quoted | None = None
    location: Location | None = None
    warnings: tuple[str, ...] = ()
    part_of: str | None = None
    edited: bool = False
    edited_at: float | None = None  # when the current text was written by an edit
    revisions: tuple[Revision, ...] = ()


FIELDS = frozenset(StoredContent.__struct_fields__)


def content_of(message: InboundMessage) -> StoredContent:
    """The content of a new message (one whose original is unknown is marked edited)."""
    return StoredContent(
        forward_origin=message.forward_origin,
        forwarded=message.forwarded,
        reply_to=message.reply_to,
        location=message.location,
        warnings=tuple(dict.fromkeys(w for w in message.warnings if w)),
        part_of=message.part_of,
        edited=message.edit_of is not None,
        edited_at=written_at(message) if message.edit_of is not None else None,
    )


def stored(content: StoredContent) -> dict[str, Any]:
    """``content`` as the keys it puts into an entry's ``data``."""
    encoded: dict[str, Any] = msgspec.to_builtins(content)
    return encoded


def read(data: dict[str, Any]) -> StoredContent:
    """The content an entry's ``data`` holds (nothing, for data not written by this module)."""
    try:
        return msgspec.convert({k: v for k, v in data.items() if k in FIELDS}, StoredContent)
    except msgspec.ValidationError:
        return StoredContent()


def written_at(message: InboundMessage) -> float:
    """When the member wrote this (text or edit): as the provider says, else now."""
    return message.sent_at if message.sent_at is not None else time.time()
