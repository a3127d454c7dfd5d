"""A member's message read in one pass when it holds few forwarded messages.

:mod:`.forwards` reads forwards level by level, each level from its JSON (``msgspec.Raw``):
whatever lies below a level is skipped once more for every level above it read, up to
:data:`~.types.MAX_DEPTH` passes over a deep chain of forwards. A message holding few of them
(a chain, a handful, most real ones) is read here instead, every level shown typed in the
event's own pass; each message read counts, and past :data:`MOST` the read stops and the
message is read by levels. The forwards the stopped pass had read whole are kept
(:class:`Kept`): read by levels, what lies below them is not skipped again level by level, only
what lies below the messages the pass stopped inside (a chain, then many forwards, was skipped
7 times, now 3). Either way the same messages are shown (:func:`.forwards.read` walks both);
forwards below the levels shown stay JSON.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar, NamedTuple, cast

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


Kept = tuple[list[ForeignMessage], ...]  # by depth: a level's first messages, read whole
NOTHING_KEPT: Kept = ()


# The messages the pass in progress has read, as it finished them (inner ones first): one pass
# at a time (_ONE_AT_A_TIME), so a read message only appends itself, what it costs is that.
_done: list[Counted] = []
_ONE_AT_A_TIME = threading.Lock()


class Crowded(Exception):
    """More forwarded messages than :data:`MOST`: read them by levels."""


class Counted(ForeignMessage, kw_only=True):
    """A forwarded message read in the one pass, counted as it is read, and kept by its depth
    among the message's forwards (0: inside what it replies to, not kept)."""

    depth: ClassVar[int] = 0

    def __post_init__(self) -> None:
        _done.append(self)
        if len(_done) > MOST:
            raise Crowded


def _level(depth: int, kept: bool) -> type[ForeignMessage]:
    """A forwarded message at ``depth`` with its forwards typed down to MAX_DEPTH."""
    fields: list[tuple[str, Any, Any]] = []
    if depth < MAX_DEPTH:  # at MAX_DEPTH its own are below the levels shown: JSON
        inner = head(MAX_QUOTED, _level(depth + 1, kept))
        fields = [("fwd_messages", inner, inner.empty)]
    made = msgspec.defstruct(
        f"Counted{depth}",
        fields,
        bases=(Counted,),
        namespace={"depth": depth if kept else 0},
        kw_only=True,
    )
    return cast("type[ForeignMessage]", made)


_FIRST = _level(1, kept=True)  # a message's forwards
_REPLY = _level(1, kept=False)  # what it replies to (its forwards one down): never kept
_HEAD = head(MAX_QUOTED, _FIRST)
_ONE_PASS = cast(
    "type[Message]",
    msgspec.defstruct(
        "OnePass",
        [("fwd_messages", _HEAD, _HEAD.empty), ("reply_message", _REPLY | None, None)],
        bases=(Message,),
        kw_only=True,
    ),
)
_ONE_PASS_NEW = cast(
    "type[MessageNew]",
    msgspec.defstruct("OnePassNew", [("message", _ONE_PASS)], bases=(MessageNew,), kw_only=True),
)


class Read(NamedTuple):
    """A message as read, and the forwards kept from a one-pass read that stopped: by depth,
    the first messages of the level the pass stopped in and of each level above it (of the
    forwards it was inside), each read whole to :data:`~.types.MAX_DEPTH`."""

    message: Message
    kept: Kept = NOTHING_KEPT


def read(event: Event) -> Read:
    """The message of a ``message_new``/``message_edit`` event, in one pass when it holds at
    most :data:`MOST` forwarded messages; ``msgspec.ValidationError`` when it is not one."""
    with _ONE_AT_A_TIME:
        try:
            return Read(_read(event, _ONE_PASS_NEW, _ONE_PASS))
        except Crowded:  # by levels, without those read whole again
            kept = _kept(_done)
        except msgspec.ValidationError:  # by levels: only the shown ones validated
            kept = NOTHING_KEPT
        finally:
            _done.clear()
    return Read(_read(event, MessageNew, Message), kept)


def _kept(done: list[Counted]) -> Kept:
    """The messages read whole, by depth: those whose level had not ended when the pass
    stopped. Read from the last: one is its level's when nothing after it was read higher up
    (its parent is read after it, before anything else above it); inside what the message
    replies to (depth 0) none is kept."""
    kept: Kept = tuple([] for _ in range(MAX_DEPTH + 2))
    highest = MAX_DEPTH + 1
    for message in reversed(done):
        depth = type(message).depth
        if depth and depth <= highest:
            kept[depth].append(message)
            highest = depth
    for level in kept:
        level.reverse()
    return kept


def _read(event: Event, new: type[MessageNew], edit: type[Message]) -> Message:
    return event.read(new).message if event.type == "message_new" else event.read(edit)
