"""A message's forwards (and those of the message it replies to) read within one budget: the
messages shown, :data:`~.types.MAX_QUOTED` in all levels together, :data:`~.types.MAX_DEPTH`
levels deep, in reading order (a forwarded message, then its own forwards, then the next).

Only those are decoded, each level when its turn comes (:func:`.types.read_forwards`); of a
level's other elements only how many there are (up to ``MAX_FORWARDS``) is known, for the
warning that says they are not shown, and of a level below the shown ones only whether it
holds any. A bound per level cannot say this (it multiplies with the levels: 100 a level read
every message of a 64 KB body, 15x what its text costs; issue #12 item 3). The forwards a
stopped one-pass read had read whole (:class:`.eager.Kept`) are taken as they are, not read
again. :mod:`.content` shows what was read here; :func:`owner_ids` names whose names it shows.
"""

from __future__ import annotations

from typing import NamedTuple

import msgspec

from unionline.channels.vk.eager import NOTHING_KEPT, Kept
from unionline.channels.vk.types import (
    MAX_DEPTH,
    MAX_QUOTED,
    NO_FORWARDS,
    ForeignMessage,
    Head,
    Message,
    read_forwards,
)


class Level(msgspec.Struct, frozen=True):
    """An array of forwards as read: the messages shown, and how many it holds."""

    shown: tuple[Node, ...] = ()
    total: int = 0  # up to MAX_FORWARDS
    too_deep: bool = False  # below MAX_DEPTH and not empty: none read


class Node(msgspec.Struct, frozen=True):
    message: ForeignMessage
    forwards: Level


class Read(NamedTuple):
    """What a message quotes, as read: its forwards, and the message it replies to."""

    forwards: Level
    reply: Node | None


NONE = Level()


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_QUOTED


def read(message: Message, kept: Kept = NOTHING_KEPT) -> Read:
    """``message``'s forwards and reply, as many as are shown (those in ``kept`` as they were
    read); ``msgspec.ValidationError`` when one that is read is not a message."""
    budget = _Budget()
    first, count = message.fwd_messages.split()
    forwards = _level(first, count, 1, budget, kept)
    reply = message.reply_message
    if reply is None:
        return Read(forwards, None)
    return Read(forwards, Node(reply, _inner(reply.fwd_messages, 2, budget, NOTHING_KEPT)))


def _level(
    messages: list[ForeignMessage],
    count: int,
    depth: int,
    budget: _Budget,
    kept: Kept = NOTHING_KEPT,
) -> Level:
    if not count:
        return NONE
    if depth > MAX_DEPTH:
        return Level(total=count, too_deep=True)
    if kept:  # this level's first were read whole by the stopped pass, and one was stopped in
        whole = kept[depth]
        messages = [*whole[: len(messages)], *messages[len(whole) :]]
        stopped_in = len(whole)
    else:
        stopped_in = -1
    shown: list[Node] = []
    below = depth + 1
    for n, message in enumerate(messages):  # as many as the budget had left at the level
        if budget.left <= 0:
            break
        budget.left -= 1
        raw = message.fwd_messages
        if raw is NO_FORWARDS:  # (most shown ones: none of their own)
            shown.append(Node(message, NONE))
        elif isinstance(raw, Head):  # read in the event's pass
            shown.append(
                Node(message, NONE if raw is raw.empty else _level(*raw.split(), below, budget))
            )
        else:
            inside = kept if n == stopped_in else NOTHING_KEPT  # the one the pass stopped in
            shown.append(Node(message, _inner(raw, below, budget, inside)))
    return Level(tuple(shown), count)  # (Structs: made at ~a third of a NamedTuple's cost)


def _inner(raw: msgspec.Raw | Head, depth: int, budget: _Budget, kept: Kept) -> Level:
    """A shown message's forwards: read in the event's pass (:mod:`.eager`), or now."""
    if isinstance(raw, Head):
        return _level(*raw.split(), depth, budget)
    if depth > MAX_DEPTH:
        return Level(total=1, too_deep=True) if _holds_any(raw) else NONE
    messages, count = read_forwards(raw, budget.left)
    return _level(messages, count, depth, budget, kept)


def _holds_any(raw: msgspec.Raw) -> bool:
    """Whether forwards below the levels shown hold a message: looked at, not read."""
    text = bytes(raw).lstrip()
    if text.startswith(b"["):
        return not text[1:].lstrip().startswith(b"]")
    return read_forwards(raw, 0)[1] > 0  # null is none; anything else is not forwards


def owner_ids(message: Message, quoted: Read) -> set[int]:
    """Whose names ``message`` shows: its sender, the authors of the messages shown inside
    it, the owners of wall posts attached to any of them."""
    found = {message.from_id, *_wall_owners(message)}
    nodes = [*quoted.forwards.shown, *([quoted.reply] if quoted.reply else [])]
    while nodes:
        node = nodes.pop()
        found |= {node.message.from_id, *_wall_owners(node.message)}
        nodes.extend(node.forwards.shown)
    return found - {0}


def _wall_owners(message: Message | ForeignMessage) -> set[int]:
    return {w.owner_id or w.to_id or w.from_id for a in message.attachments if (w := a.wall)}
