"""Link buttons fitted to a channel: the one place where buttons a channel cannot show become
text. A channel shows a message's buttons natively only when it can show them all (it declares
``capabilities.buttons`` and there are at most ``capabilities.max_buttons``); otherwise every
button becomes a «label: url» line at the end of the text, in their order. Never some of each:
a keyboard sits under the text, so lines for the buttons past the limit would be read before
the first ones — and a channel that falls back to lines when its provider refuses the keyboard
(Telegram, VK) writes the kept buttons' lines after the text, behind those. Channels' ``send()``
then shows ``message.buttons`` as they are."""

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
from unionline.errors import PermanentFailure


def buttons_text(buttons: tuple[Button, ...]) -> str:
    """The buttons as text lines: «label: url», one a line."""
    return "\n".join(f"{b.label}: {b.url}" for b in buttons)


def fit_buttons(channel: ChannelType[Any, Any], message: OutboundMessage) -> OutboundMessage:
    """``message`` as ``channel`` can carry it: unchanged when the channel shows all its
    buttons, else every button written into the text (after a blank line), in their order,
    and none left as buttons."""
    if not message.buttons:
        return message
    caps = channel.capabilities
    if caps.buttons and len(message.buttons) <= caps.max_buttons:
        return message
    lines = buttons_text(message.buttons)
    text = f"{message.text.rstrip()}\n\n{lines}" if message.text.strip() else lines
    return msgspec.structs.replace(message, text=text, buttons=())


BUTTONS_AS_LINES = "вместе с кнопками-ссылками: здесь они идут строками «название: ссылка»"


def send_refusal(account: ChannelAccount[Any, Any], message: OutboundMessage) -> str:
    """Why ``account`` would refuse ``message`` as it would be sent — its buttons fitted
    (:func:`fit_buttons`), so lines they become count — or "" when it takes it: the
    channel's ``message_refusal``, with a word that the buttons' lines are part of it when
    they are. Ask it before queueing or starting a send (a campaign's test message, its
    start), so that nothing is accepted that the channel then refuses, e.g. an SMS that its
    link lines push over the account's part limit."""
    channel = get_channel(account.channel)
    return _refusal(channel, account, message, fit_buttons(channel, message))


def _refusal(
    channel: ChannelType[Any, Any],
    account: ChannelAccount[Any, Any],
    message: OutboundMessage,
    fitted: OutboundMessage,
) -> str:
    refusal = channel.message_refusal(account, fitted)
    if refusal and fitted.text != message.text:
        return f"{refusal} ({BUTTONS_AS_LINES})"
    return refusal


async def send_message(account: ChannelAccount[Any, Any], message: OutboundMessage) -> SendResult:
    """Send ``message`` on ``account`` now, through its channel's ``send()`` with the buttons
    fitted to the channel (:func:`fit_buttons`); what ``send()`` raises is the caller's. A
    message the channel refuses for what it holds is refused by ``send()`` itself, before
    the provider is asked (``message_refusal``'s contract) — not asked twice here, an SMS's
    parts counted once; when the buttons' lines are part of it, its ``PermanentFailure``
    says so, as :func:`send_refusal` does. For a plugin's own sending (a campaign's
    broadcast); replies go through ``queue_delivery``."""
    channel = get_channel(account.channel)
    fitted = fit_buttons(channel, message)
    try:
        return await channel.send(account, fitted)
    except PermanentFailure as exc:
        if fitted.text == message.text or not str(exc):
            raise
        if str(exc) != channel.message_refusal(account, fitted):  # not for what it holds
            raise
        raise PermanentFailure(f"{exc} ({BUTTONS_AS_LINES})") from exc


__all__ = ["buttons_text", "fit_buttons", "send_message", "send_refusal"]
