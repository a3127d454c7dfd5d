"""Link buttons fitted to a channel: the one place where buttons a channel cannot show become
text. A channel without ``capabilities.buttons`` gets every button as a «label: url» line at
the end of the text; one with buttons gets at most ``capabilities.max_buttons`` of them and
the rest as lines. Channels' ``send()`` then shows ``message.buttons`` as they are."""

from __future__ import annotations

from typing import Any

import msgspec

from unionline.channel.registered import get_channel
from unionline.channel.types import (
    Button,
    ChannelAccount,
    ChannelType,
    OutboundMessage,
    SendResult,
)


def buttons_text(buttons: tuple[Button, ...]) -> str:
    """The buttons as text lines: «label: url», one a line."""
    return "\n".join(f"{b.label}: {b.url}" for b in buttons)


def fit_buttons(channel: ChannelType[Any, Any], message: OutboundMessage) -> OutboundMessage:
    """``message`` as ``channel`` can carry it: the buttons it cannot show written into the
    text (after a blank line)."""
    if not message.buttons:
        return message
    caps = channel.capabilities
    keep = max(0, caps.max_buttons) if caps.buttons else 0
    if len(message.buttons) <= keep:
        return message
    rest = buttons_text(message.buttons[keep:])
    text = f"{message.text.rstrip()}\n\n{rest}" if message.text.strip() else rest
    return msgspec.structs.replace(message, text=text, buttons=message.buttons[:keep])


async def send_message(account: ChannelAccount[Any, Any], message: OutboundMessage) -> SendResult:
    """Send ``message`` on ``account`` now, through its channel's ``send()`` with the buttons
    fitted to the channel (:func:`fit_buttons`); what ``send()`` raises is the caller's. For a
    plugin's own sending (a campaign's broadcast); replies go through ``queue_delivery``."""
    channel = get_channel(account.channel)
    return await channel.send(account, fit_buttons(channel, message))


__all__ = ["buttons_text", "fit_buttons", "send_message"]
