"""Which channels get typing notices, and the per-appeal throttle (end to end through the console:
tests/channels/telegram/test_telegram_typing.py and tests/channels/vk/test_vk_typing.py)."""

from __future__ import annotations

import uuid
from typing import Any

from unionline.channel import Capabilities, ChannelType
from unionline.channel.reference import ReferenceChannel
from unionline.channel.typing_notice import THROTTLE, Notices, shows_typing
from unionline.channels.telegram.channel import TelegramChannel
from unionline.channels.vk.channel import VkChannel
from unionline.channels.web.channel import WebChannel


class Undeclared(ReferenceChannel):
    """Implements the hook but does not declare the capability."""

    async def typing(self, account: Any, recipient: str) -> None:
        raise AssertionError("never called")


def test_only_channels_declaring_and_implementing_typing_get_notices() -> None:
    assert shows_typing(TelegramChannel()) and shows_typing(VkChannel())
    # The site chat declares typing but shows it through its own hub: not twice.
    assert WebChannel.capabilities.typing and not shows_typing(WebChannel())
    assert not shows_typing(ReferenceChannel()) and not shows_typing(Undeclared())
    assert Capabilities().typing is False and ChannelType.typing is not TelegramChannel.typing


def test_one_notice_per_appeal_per_window() -> None:
    now = [1000.0]
    notices = Notices(clock=lambda: now[0])
    first, second = uuid.uuid4(), uuid.uuid4()
    assert notices.due(first) and not notices.due(first)
    assert notices.due(second)  # each appeal has its own window
    now[0] += THROTTLE - 0.01
    assert not notices.due(first)
    now[0] += 0.02
    assert notices.due(first)


def test_stale_appeals_are_forgotten() -> None:
    now = [0.0]
    notices = Notices(clock=lambda: now[0])
    for _ in range(600):
        notices.due(uuid.uuid4())
        now[0] += 0.01
    now[0] += THROTTLE
    notices.due(uuid.uuid4())
    assert len(notices.last) < 600
