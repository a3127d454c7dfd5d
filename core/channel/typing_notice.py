"""Operator typing notices in the member's messenger: the console's ``typing`` command shows
"typing…" through the channel's :meth:`ChannelType.typing` hook, throttled, in the background.

Best effort by design: at most one notice per appeal every ``THROTTLE`` seconds in this process
(Telegram shows its action for 5 s), never through the send rate limit's buckets, never waited
for by the console; whatever fails is logged at debug and dropped.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from unionline.appeals.lookup import reply_target
from unionline.channel.accounts import to_account
from unionline.channel.outbound import reply_recipient
from unionline.channel.registered import get_channel
from unionline.channel.tables import ChannelAccountRecord
from unionline.channel.types import ChannelType
from unionline.runtime import current

log = logging.getLogger("unionline.channel.typing")
THROTTLE = 4.0  # seconds between two notices of one appeal (Telegram's action lasts 5 s)
TIMEOUT = 5.0  # a notice later than this would show after the operator stopped typing
_PRUNE_AT = 512  # remembered appeals before the stale ones are forgotten
_STATE = "channel.typing"


class Notices:
    """This process's typing notices: when each appeal last had one, and those in flight."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last: dict[uuid.UUID, float] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def due(self, appeal_id: uuid.UUID) -> bool:
        """Whether the appeal may have a notice now (and note that it has one)."""
        now = self.clock()
        last = self.last.get(appeal_id)
        if last is not None and now - last < THROTTLE:
            return False
        if len(self.last) >= _PRUNE_AT:
            self.last = {k: t for k, t in self.last.items() if now - t < THROTTLE}
        self.last[appeal_id] = now
        return True

    def start(self, appeal_id: uuid.UUID) -> None:
        task = asyncio.get_running_loop().create_task(
            _notify(appeal_id), name=f"unionline-typing-{appeal_id}"
        )
        self.tasks.add(task)  # a task nobody references may be collected mid-flight
        task.add_done_callback(self.tasks.discard)


def notices() -> Notices:
    state = current().state
    found = state.get(_STATE)
    if found is None:
        found = state[_STATE] = Notices()
    return found


def show_typing(appeal_id: uuid.UUID) -> bool:
    """Show the appeal's member that an operator is typing, in the background.

    The caller has checked that the operator may see the appeal. Returns False when the appeal
    had a notice less than ``THROTTLE`` seconds ago (nothing is sent), else True — which says
    nothing of whether the channel can show it or the provider took it.
    """
    found = notices()
    if not found.due(appeal_id):
        return False
    found.start(appeal_id)
    return True


def shows_typing(channel: ChannelType[Any, Any]) -> bool:
    """Whether the SDK calls the channel's ``typing``: it declares the capability and overrides
    the hook (the web channel shows typing to visitors through its own hub instead)."""
    return channel.capabilities.typing and type(channel).typing is not ChannelType.typing


async def _notify(appeal_id: uuid.UUID) -> None:
    try:
        await asyncio.wait_for(_send(appeal_id), TIMEOUT)
    except Exception as exc:  # TimeoutError, the provider's refusal, a vanished account, ...
        log.debug("typing notice of appeal %s not shown: %r", appeal_id, exc)


async def _send(appeal_id: uuid.UUID) -> None:
    account_id, member_id = await reply_target(appeal_id)
    if account_id is None:
        return
    row = await ChannelAccountRecord.select().where(ChannelAccountRecord.id == account_id).first()
    if row is None or row["status"] != "active":  # disabled, or waiting for re-authorisation
        return
    channel = get_channel(row["channel"])
    if not shows_typing(channel):
        return
    recipient, _ = await reply_recipient(account_id, appeal_id, member_id)
    if recipient:
        await channel.typing(to_account(row, channel), recipient)


async def drain() -> None:
    """Wait for the notices in flight (tests, shutdown); they end within ``TIMEOUT``."""
    found = notices()
    while found.tasks:
        await asyncio.gather(*list(found.tasks), return_exceptions=True)


async def stop() -> None:
    """Cancel the notices in flight (the app stops: they are not worth waiting for)."""
    found = notices()
    for task in list(found.tasks):
        task.cancel()
    await asyncio.gather(*list(found.tasks), return_exceptions=True)
