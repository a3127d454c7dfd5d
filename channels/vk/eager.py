"""A member's message read in one pass when it holds few forwarded messages.

:mod:`.forwards` reads forwards level by level, each level from its JSON (``msgspec.Raw``):
whatever lies below a level is skipped once more for every level above it read, up to
:data:`~.types.MAX_DEPTH` passes over a deep chain of forwards. A message holding few of them
(a chain, a handful, most real ones) is read here instead, every level shown typed in the
event's own pass; each message read counts, and past :data:`MOST` the read stops (a wasted
read of at most that many) and the message is read by levels. Either way the same messages
are shown (:func:`.forwards.read` walks both); forwards below the levels shown stay JSON.
"""

from __future__ import annotations

import threading
from typing import Any, cast

import msgspec

from unionline.channels.vk.types import (
    MAX_DEPTH,
    MAX_QUOTED,
    Event,
    ForeignMessage,
    Message,
    MessageNew,
    head,
)

MOST = 64  # messages read in one pass (past them the read is wasted: at most this many)


class _Left(threading.local):
    messages = 0


_left = _Left()


class Crowded(Exception):
    """More forwarded messages than :data:`MOST`: read them by levels."""


class Counted(ForeignMessage, kw_only=True):
    """A forwarded message read in the one pass, counted as it is read."""

    def __post_init__(self) -> None:
        _left.messages -= 1
        if _left.messages < 0:
            raise Crowded


def _level(depth: int) -> type[ForeignMessage]:
    """A forwarded message at ``depth`` with its forwards typed down to MAX_DEPTH."""
    fields: list[tuple[str, Any, Any]] = []
    if depth < MAX_DEPTH:  # at MAX_DEPTH its own are below the levels shown: JSON
        inner = head(MAX_QUOTED, _level(depth + 1))
        fields = [("fwd_messages", inner, inner.empty)]
    made = msgspec.defstruct(f"Counted{depth}", fields, bases=(Counted,), kw_only=True)
    return cast("type[ForeignMessage]", made)


_FIRST = _level(1)  # a message's forwards, and what it replies to (its forwards one down)
_HEAD = head(MAX_QUOTED, _FIRST)
_ONE_PASS = cast(
    "type[Message]",
    msgspec.defstruct(
        "OnePass",
        [("fwd_messages", _HEAD, _HEAD.empty), ("reply_message", _FIRST | None, None)],
        bases=(Message,),
        kw_only=True,
    ),
)
_ONE_PASS_NEW = cast(
    "type[MessageNew]",
    msgspec.defstruct("OnePassNew", [("message", _ONE_PASS)], bases=(MessageNew,), kw_only=True),
)


def read(event: Event) -> Message:
    """The message of a ``message_new``/``message_edit`` event, in one pass when it holds at
    most :data:`MOST` forwarded messages; ``msgspec.ValidationError`` when it is not one."""
    _left.messages = MOST
    try:
        return _read(event, _ONE_PASS_NEW, _ONE_PASS)
    except (Crowded, msgspec.ValidationError):  # by levels: only the shown ones validated
        return _read(event, MessageNew, Message)


def _read(event: Event, new: type[MessageNew], edit: type[Message]) -> Message:
    return event.read(new).message if event.type == "message_new" else event.read(edit)
